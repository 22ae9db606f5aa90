//! Agent adapters: each host's hook payload in, Warden's verdict out in that host's format.
