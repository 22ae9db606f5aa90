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
