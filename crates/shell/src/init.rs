//! The init file: statements and meta-commands the interactive shell runs at start (as sqlite
//! runs `~/.sqliterc`), e.g. a preferred `.mode` or `.nullvalue`. It is
//! `$XDG_CONFIG_HOME/devquery/init.sql`, else `~/.config/devquery/init.sql`; a script read from
//! stdin never runs it, and `devquery shell --no-init` skips it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Where the init file is looked for, given the value of `XDG_CONFIG_HOME` and the home
/// directory: under `config_home` when it is an absolute path (the XDG rule: a relative or empty
/// value is ignored), else under `home/.config`.
pub fn init_path_in(config_home: Option<&OsStr>, home: Option<&Path>) -> Option<PathBuf> {
    let base = match config_home.map(Path::new) {
        Some(dir) if dir.is_absolute() => dir.to_path_buf(),
        _ => home?.join(".config"),
    };
    Some(base.join("devquery").join("init.sql"))
}

/// The init file under `config_home` / `home` (see [`init_path_in`]) when it exists.
pub fn init_file_in(config_home: Option<&OsStr>, home: Option<&Path>) -> Option<PathBuf> {
    init_path_in(config_home, home).filter(|p| p.is_file())
}

/// This user's init file, when there is one.
pub fn init_file() -> Option<PathBuf> {
    let config_home = std::env::var_os("XDG_CONFIG_HOME");
    init_file_in(config_home.as_deref(), dirs::home_dir().as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn xdg_config_home_then_dot_config() {
        let home = Path::new("/home/ana");
        assert_eq!(
            init_path_in(Some(OsStr::new("/cfg")), Some(home)),
            Some(PathBuf::from("/cfg/devquery/init.sql"))
        );
        let fallback = Some(PathBuf::from("/home/ana/.config/devquery/init.sql"));
        assert_eq!(init_path_in(None, Some(home)), fallback);
        assert_eq!(init_path_in(Some(OsStr::new("rel")), Some(home)), fallback);
        assert_eq!(init_path_in(Some(OsStr::new("")), Some(home)), fallback);
        assert_eq!(init_path_in(None, None), None);
    }
}
