//! Where Warden keeps per-user state, decided in one place so that every crate (the audit
//! log, the MCP gateway's pins and approvals, the policy's list of protected directories)
//! agrees on it. Pure: the caller passes the environment's values.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/warden`, else `$HOME/.local/state/warden`. Empty and relative values are
/// ignored, as the XDG spec says: a relative one would put Warden's state wherever the
/// process happens to run, possibly inside a project the agent may write.
pub fn state_dir(xdg_state_home: Option<&OsStr>, home: Option<&OsStr>) -> Option<PathBuf> {
    match xdg_state_home.map(Path::new).filter(|p| p.is_absolute()) {
        Some(state) => Some(state.join("warden")),
        None => home
            .map(Path::new)
            .filter(|p| p.is_absolute())
            .map(|h| h.join(".local").join("state").join("warden")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_dir_follows_xdg() {
        let os = |s: &'static str| Some(OsStr::new(s));
        for (xdg, home, want) in [
            (os("/s"), os("/h"), Some("/s/warden")),
            (None, os("/h"), Some("/h/.local/state/warden")),
            (os(""), os("/h"), Some("/h/.local/state/warden")),
            (os("rel/state"), os("/h"), Some("/h/.local/state/warden")),
            (None, os("relative-home"), None),
            (None, None, None),
        ] {
            assert_eq!(
                state_dir(xdg, home),
                want.map(PathBuf::from),
                "{xdg:?} {home:?}"
            );
        }
    }
}
