//! JSON log lines through `tracing`, with the chatty dependencies capped.
//!
//! The AWS SDK and the HTTP stack log request and response bodies at debug and trace levels;
//! those bodies hold the person's details. Whatever `RUST_LOG` asks for, those crates are held to
//! warnings, so no personal data can reach the logs through them.

use tracing::Level;
use tracing::Subscriber;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
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

/// A subscriber writing JSON lines to `writer`, filtered by `directives` (as in `RUST_LOG`) and
/// then by the caps above.
pub fn subscriber<W>(directives: &str, writer: W) -> impl Subscriber + Send + Sync + use<W>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let requested = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
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
