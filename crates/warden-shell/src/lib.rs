//! Shell command analysis: parse a command line, unwrap wrappers, and report its effects. Pure; knows nothing about policy.
