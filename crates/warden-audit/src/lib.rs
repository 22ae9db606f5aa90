//! The tamper-evident audit log: append, verify, query, checkpoints.
