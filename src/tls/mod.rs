//! TLS for every HTTPS call the function makes (AWS and Turnstile): the one choice of crypto
//! library under rustls, chosen at build time (the `tls-ring` feature, the default, or
//! `tls-aws-lc`), and the roots the AWS SDK's client trusts. `docs/benchmarks.md` has the
//! measurements behind both.

use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use base64::Engine as _;
use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

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

/// The Amazon Trust Services roots (see the file's header), which every AWS endpoint's
/// certificate chains to.
const AMAZON_TRUST_SERVICES: &[u8] = include_bytes!("amazon-trust-services.pem");

/// The variable naming a PEM bundle the AWS SDK's client trusts instead of the built-in roots (the
/// name and meaning the AWS CLI and the Python SDK give it).
pub const AWS_CA_BUNDLE: &str = "AWS_CA_BUNDLE";

/// A root bundle the AWS SDK's client cannot use. The function stops at start-up rather than fail
/// every request's store and email with it.
#[derive(Debug, thiserror::Error)]
pub enum TrustRootsError {
    #[error("{AWS_CA_BUNDLE} ({path}) cannot be read: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("{AWS_CA_BUNDLE} ({path}) holds no certificate usable as a root")]
    NoRoots { path: String },
}

/// The certificates the AWS SDK's HTTPS client trusts.
///
/// Not the system's root store: parsing its ~150 certificates cost a fifth of a cold start's CPU
/// (`docs/benchmarks.md`), and AWS endpoints only ever chain to Amazon's own roots. `AWS_CA_BUNDLE`
/// replaces them for an endpoint that does not (an emulator over HTTPS, a proxy that re-signs, a
/// partition with other roots); its certificates that are not usable roots are left out.
pub fn aws_trust_store() -> Result<TrustStore, TrustRootsError> {
    let Some(path) = std::env::var_os(AWS_CA_BUNDLE).filter(|path| !path.is_empty()) else {
        return Ok(TrustStore::empty()
            .with_native_roots(false)
            .with_pem_certificate(AMAZON_TRUST_SERVICES));
    };
    let path_text = path.to_string_lossy().into_owned();
    let bundle = std::fs::read(&path).map_err(|source| TrustRootsError::Unreadable {
        path: path_text.clone(),
        source,
    })?;
    let roots = usable_roots(&bundle);
    if roots.is_empty() {
        return Err(TrustRootsError::NoRoots { path: path_text });
    }
    Ok(roots.into_iter().fold(
        TrustStore::empty().with_native_roots(false),
        |store, pem| store.with_pem_certificate(pem),
    ))
}

/// Each certificate of a PEM bundle that rustls accepts as a root, as PEM again: the SDK's client
/// takes PEM and panics on a certificate it cannot use, on the first request rather than here.
fn usable_roots(bundle: &[u8]) -> Vec<String> {
    CertificateDer::pem_slice_iter(bundle)
        .map_while(Result::ok)
        .filter(|der| RootCertStore::empty().add(der.clone()).is_ok())
        .map(|der| {
            let base64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
            let lines: Vec<&str> = base64
                .as_bytes()
                .chunks(64)
                .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
                .collect();
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                lines.join("\n")
            )
        })
        .collect()
}

/// An HTTP client for the calls the function makes itself (Turnstile's check, the heartbeat's
/// probe), built once per cold start and shared, on the crypto library the build chose. It trusts
/// the Mozilla root store compiled into the binary (`webpki-roots`), not the system's: parsing the
/// system's ~150 certificates cost as much CPU as the rest of a cold start. Plain `http://` too,
/// for local stand-ins.
pub type HttpsClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<hyper::body::Bytes>,
>;

pub fn https_client() -> HttpsClient {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(crypto_provider())
        .expect("ring and AWS-LC offer the default TLS versions")
        .https_or_http()
        .enable_http1()
        .build();
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(https)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_roots_are_amazons_five() {
        assert_eq!(usable_roots(AMAZON_TRUST_SERVICES).len(), 5);
    }

    #[test]
    fn a_bundle_keeps_only_usable_roots() {
        let amazon = usable_roots(AMAZON_TRUST_SERVICES);
        let not_a_certificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let bundle = format!("# comment\n{}{not_a_certificate}{}", amazon[0], amazon[4]);
        assert_eq!(
            usable_roots(bundle.as_bytes()),
            [amazon[0].clone(), amazon[4].clone()]
        );
        assert!(usable_roots(b"no certificates here").is_empty());
    }
}
