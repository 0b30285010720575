//! How much the command line says: errors always; warnings and progress lines unless `-q`;
//! details with `-v`. `INKQUIRE_LOG=error|warn|info|debug` sets the default (for cron jobs);
//! `-q`/`-v` win over it. Nothing here writes colour: stderr off a terminal gets plain lines.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 0,
    Warn = 1,
    Info = 2,
    Debug = 3,
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);

/// Settle the level from `INKQUIRE_LOG`, then `-q` (quiet) or `-v` (verbose).
pub fn init(quiet: bool, verbose: u8) {
    let from_env = match std::env::var("INKQUIRE_LOG")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "error" | "quiet" => Level::Error,
        "warn" | "warning" => Level::Warn,
        "debug" | "trace" => Level::Debug,
        _ => Level::Info,
    };
    let level = if quiet {
        Level::Error
    } else if verbose > 0 {
        Level::Debug
    } else {
        from_env
    };
    LEVEL.store(level as u8, Ordering::Relaxed);
}

pub fn enabled(l: Level) -> bool {
    LEVEL.load(Ordering::Relaxed) >= l as u8
}

/// A warning line on stderr, unless `-q`.
#[macro_export]
macro_rules! warn_line {
    ($($t:tt)*) => { if $crate::log::enabled($crate::log::Level::Warn) { eprintln!("{}", $crate::fetch::redact_text(&format!($($t)*))) } };
}

/// A progress or summary line on stderr, unless `-q` (or `INKQUIRE_LOG=warn`).
#[macro_export]
macro_rules! info_line {
    ($($t:tt)*) => { if $crate::log::enabled($crate::log::Level::Info) { eprintln!("{}", $crate::fetch::redact_text(&format!($($t)*))) } };
}

/// A detail line on stderr, with `-v` (or `INKQUIRE_LOG=debug`).
#[macro_export]
macro_rules! debug_line {
    ($($t:tt)*) => { if $crate::log::enabled($crate::log::Level::Debug) { eprintln!("{}", $crate::fetch::redact_text(&format!($($t)*))) } };
}
