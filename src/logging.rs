//! JSON log lines through `tracing`, with the chatty dependencies capped.
//!
//! The AWS SDK and the HTTP stack log request and response bodies at debug and trace levels;
//! those bodies hold the person's details. Whatever `RUST_LOG` asks for, those crates are held to
//! warnings, so no personal data can reach the logs through them.

use tracing::Level;
use tracing::Subscriber;
use tracing_subscriber::filter::{FilterExt, LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{Layer, Registry};

/// Target prefixes (matched as string prefixes) that may log request or response payloads.
const CAPPED_TARGETS: &[(&str, Level)] = &[
    ("aws_", Level::WARN),
    ("hyper", Level::WARN),
    ("h2", Level::WARN),
    ("rustls", Level::WARN),
    ("tower", Level::WARN),
    ("reqwest", Level::WARN),
    ("lambda_runtime", Level::INFO),
    ("lambda_http", Level::INFO),
];

/// A subscriber writing JSON lines to `writer`, filtered by `directives` (as in `RUST_LOG`:
/// `info`, or `target=level` pairs separated by commas) and then by the caps above.
///
/// `Targets` rather than `EnvFilter`: the span and field filters `EnvFilter` adds are not needed
/// here, and its matcher turns on the regex crate's full-DFA builds, which every regular
/// expression in the process (the phone reader's) then pays for at its first use.
pub fn subscriber<W>(directives: &str, writer: W) -> impl Subscriber + Send + Sync + use<W>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let requested = requested_levels(directives);
    let caps = Targets::new()
        .with_default(Level::TRACE)
        .with_targets(CAPPED_TARGETS.iter().copied());
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(true)
        .with_writer(writer)
        .with_filter(requested.and(caps));
    Registry::default().with(layer)
}

/// `RUST_LOG` as levels per target. `Targets` would read a word that is not a level as a target to
/// enable alone (so a typo would silence every line, the alarms' among them): anything but levels
/// and `target=level` pairs means `info`.
fn requested_levels(directives: &str) -> Targets {
    let is_level =
        |text: &str| !text.trim().is_empty() && text.trim().parse::<LevelFilter>().is_ok();
    let well_formed = directives
        .split(',')
        .all(|directive| match directive.split_once('=') {
            Some((target, level)) => !target.trim().is_empty() && is_level(level),
            None => is_level(directive),
        });
    well_formed
        .then(|| directives.parse::<Targets>().ok())
        .flatten()
        .unwrap_or_else(|| Targets::new().with_default(Level::INFO))
}

/// Installs the subscriber for the process: `RUST_LOG` (default `info`), to stdout.
pub fn init() {
    let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_owned());
    // Only fails if a subscriber is already set, in which case that one stays.
    let _ = tracing::subscriber::set_global_default(subscriber(&directives, std::io::stdout));
}

/// Logs a panic's location only: its message could quote data from the request.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(location, "panic");
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// The lines `directives` let through, of one info and one debug event from this crate and
    /// one debug event from the SDK.
    fn lines_passed(directives: &str) -> Vec<String> {
        let written = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = written.clone();
        let writer = move || Sink(sink.clone());
        tracing::subscriber::with_default(subscriber(directives, writer), || {
            tracing::info!(target: "consultation_form::app", "an info line");
            tracing::debug!(target: "consultation_form::app", "a debug line");
            tracing::debug!(target: "aws_smithy_runtime", "an SDK debug line");
        });
        let text = String::from_utf8(written.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["message"].to_string()
            })
            .collect()
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn rust_log_levels_and_targets() {
        assert_eq!(lines_passed("info"), ["\"an info line\""]);
        assert_eq!(lines_passed("warn"), Vec::<String>::new());
        assert_eq!(
            lines_passed("warn,consultation_form=debug"),
            ["\"an info line\"", "\"a debug line\""]
        );
        // The SDK stays capped at warnings whatever is asked.
        assert_eq!(lines_passed("debug").len(), 2);
        for odd in [
            "[{not a directive}]",
            "consultation_form",
            "infoo",
            "=debug",
            "",
        ] {
            assert_eq!(lines_passed(odd), ["\"an info line\""], "{odd:?}");
        }
    }
}
