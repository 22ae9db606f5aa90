#![allow(dead_code)] // Codes are used as the subcommands land.
//! Exit codes shared by every subcommand (PRODUCT.md's interface contract).

pub const SUCCESS: u8 = 0;
/// `warden check`: the action is denied.
pub const DENY: u8 = 2;
/// `warden check`: a person must confirm.
pub const ASK: u8 = 3;
/// Bad command-line usage (sysexits `EX_USAGE`).
pub const USAGE: u8 = 64;
/// An internal error (sysexits `EX_SOFTWARE`).
pub const INTERNAL: u8 = 70;

/// How the process ends: `std::process::ExitCode` with its number readable, because
/// `main` (see `main.rs`) hands it to `std::process::exit` itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ExitCode(u8);

impl ExitCode {
    pub const SUCCESS: ExitCode = ExitCode(SUCCESS);
    pub const FAILURE: ExitCode = ExitCode(1);

    /// The status the process exits with.
    pub fn code(self) -> u8 {
        self.0
    }
}

impl From<u8> for ExitCode {
    fn from(code: u8) -> Self {
        ExitCode(code)
    }
}
