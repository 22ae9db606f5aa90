//! Secret detection: rules, a prefiltered engine, file/staged/history walkers, baselines and
//! report formats.

pub mod rule;
