//! The one choice of crypto library under rustls, for every HTTPS call the function makes (AWS and
//! Turnstile). Chosen at build time: the `tls-ring` feature (the default) or `tls-aws-lc`.
//! `docs/benchmarks.md` has the measurements behind the default.

use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use rustls::crypto::CryptoProvider;

#[cfg(not(any(feature = "tls-aws-lc", feature = "tls-ring")))]
compile_error!("enable exactly one of the features `tls-ring` (default) and `tls-aws-lc`");

#[cfg(all(feature = "tls-aws-lc", feature = "tls-ring"))]
compile_error!(
    "the features `tls-aws-lc` and `tls-ring` exclude each other: build with --no-default-features --features tls-aws-lc"
);

/// The AWS SDK's HTTPS client on the chosen library.
pub fn aws_crypto_mode() -> CryptoMode {
    #[cfg(feature = "tls-aws-lc")]
    return CryptoMode::AwsLc;
    #[cfg(feature = "tls-ring")]
    return CryptoMode::Ring;
}

/// The rustls provider for clients built here (Turnstile's), passed explicitly so that rustls
/// never has to guess a process-wide default.
pub fn crypto_provider() -> CryptoProvider {
    #[cfg(feature = "tls-aws-lc")]
    return rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(feature = "tls-ring")]
    return rustls::crypto::ring::default_provider();
}
