//! Wires analysis to policy: one action in, one verdict out.
