//! `consultation-admin dns` and doctor's DNS lines, end to end: the records come from AWS's
//! answers (SES's identity with its DKIM tokens and MAIL FROM domain, ACM's certificates, the
//! stack's domain targets, as their API references show them: moto has no DKIM tokens, no MAIL
//! FROM, no ACM validation record and no custom domain), and doctor asks a real DNS server
//! (`tests/dns_server.py`, dnslib) for each.

use crate::doctor::{Setup, doctor_asking, json_answer, operator, stage};
use crate::helpers::FRONT_DESK_ACCESS_KEY;
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::json;

/// SES's DKIM tokens for the practice's domain (the shape of the API reference's example).
pub(crate) const DKIM_TOKENS: [&str; 3] = [
    "vvjuipp74whm76gqoni7qmwwn4w4qusj",
    "3frqe7jn4obpuxjpwpolz6ipb3k5nvt2",
    "wrqplteh7oodxnad7hsl4mixg2uavzne",
];

/// What CloudFormation gives for the custom domains (API Gateway's regional names).
const FORM_TARGET: &str = "d-7x9k2m4p1q.execute-api.us-east-1.amazonaws.com";
const CONSOLE_TARGET: &str = "d-3h8j5n6r0t.execute-api.us-east-1.amazonaws.com";

/// ACM's DescribeCertificate answer for the stack's two certificates (their ARNs are the ones
/// scripts/sam_stack.py deploys with), as the API reference shows it.
pub(crate) fn certificate_answer(body: &str) -> Option<hyper::Response<Full<Bytes>>> {
    let request: serde_json::Value = serde_json::from_str(body).ok()?;
    let arn = request["CertificateArn"].as_str()?;
    let (domain, record) = if arn.contains("0b8e9d41") {
        (
            "forms.practice.example",
            "_a79865eb4cd1a6ab990a45779b4e0b96",
        )
    } else if arn.contains("5c1d7a22") {
        (
            "staff.practice.example",
            "_1f2e3d4c5b6a79887766554433221100",
        )
    } else {
        return Some(json_answer(
            400,
            &json!({"__type": "ResourceNotFoundException"}),
        ));
    };
    Some(json_answer(
        200,
        &json!({"Certificate": {
            "CertificateArn": arn, "DomainName": domain, "SubjectAlternativeNames": [domain],
            "DomainValidationOptions": [{
                "DomainName": domain, "ValidationDomain": domain, "ValidationStatus": "SUCCESS",
                "ValidationMethod": "DNS",
                "ResourceRecord": {"Name": format!("{record}.{domain}."), "Type": "CNAME",
                                   "Value": format!("{record}-v.jkddzztszm.acm-validations.aws.")}
            }],
            "Status": "ISSUED", "Type": "AMAZON_ISSUED", "KeyAlgorithm": "RSA_2048",
            "RenewalEligibility": "ELIGIBLE", "InUseBy": []
        }}),
    ))
}

/// moto's DescribeStacks answer with the two outputs built from the API Gateway domains it skips.
pub(crate) async fn with_domain_targets(upstream: reqwest::Response) -> crate::helpers::Answer {
    let status = upstream.status().as_u16();
    let text = upstream.text().await.map_err(std::io::Error::other)?;
    let member = |key: &str, value: &str| {
        format!("<member><OutputKey>{key}</OutputKey><OutputValue>{value}</OutputValue></member>")
    };
    let outputs =
        member("CustomDomainTarget", FORM_TARGET) + &member("StaffDomainTarget", CONSOLE_TARGET);
    let text = text.replacen("</Outputs>", &format!("{outputs}</Outputs>"), 1);
    Ok(hyper::Response::builder()
        .status(status)
        .header("content-type", "text/xml")
        .body(Full::new(Bytes::from(text)))
        .unwrap())
}

/// A DNS server on 127.0.0.1 answering from a zone file of its own.
pub(crate) struct DnsServer {
    pub address: String,
    zone: std::path::PathBuf,
    _process: tokio::process::Child,
}

impl DnsServer {
    pub(crate) async fn start(zone: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("consultation-zone-{}-{n}", std::process::id()));
        std::fs::write(&path, zone).unwrap();
        let (process, _, port) =
            crate::helpers::python_server("dns_server.py", &[path.as_os_str()]).await;
        Self {
            address: format!("127.0.0.1:{port}"),
            zone: path,
            _process: process,
        }
    }

    /// Serves this zone from now on.
    pub(crate) fn publish(&self, zone: &str) {
        std::fs::write(&self.zone, zone).unwrap();
    }
}

/// `dns --zone` for the stack, as the practice's DNS host would import it.
async fn zone_of(stand_in: &str, stack: &str) -> String {
    let printed = operator(
        stand_in,
        FRONT_DESK_ACCESS_KEY,
        &["--stack", stack, "dns", "--zone"],
    )
    .await;
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    String::from_utf8(printed.stdout).unwrap()
}

/// A DNS server with every record the stack needs published: one for the test binary.
pub(crate) async fn published(stand_in: &str, stack: &str) -> &'static DnsServer {
    static PUBLISHED: tokio::sync::OnceCell<DnsServer> = tokio::sync::OnceCell::const_new();
    PUBLISHED
        .get_or_init(|| async { DnsServer::start(&zone_of(stand_in, stack).await).await })
        .await
}

#[tokio::test]
async fn dns_lists_every_record_from_awss_answers_and_doctor_names_each_one_missing() {
    let setup = Setup::new().await;
    stage(&setup.stack, &setup.endpoint).await;
    let printed = operator(
        &setup.url,
        FRONT_DESK_ACCESS_KEY,
        &["--stack", &setup.name, "dns"],
    )
    .await;
    let table = String::from_utf8_lossy(&printed.stdout).into_owned();
    assert!(
        printed.status.success(),
        "{table}{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    assert!(
        table.starts_with("Add these 11 records at the practice's DNS host"),
        "{table}"
    );
    let row = |kind: &str, name: &str, value: &str| {
        assert!(
            table.lines().any(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.len() > 3
                    && words[0] == kind
                    && words[1] == name
                    && l.contains(&format!("  {value}  "))
            }),
            "{kind} {name} {value}: {table}"
        );
    };
    for token in DKIM_TOKENS {
        row(
            "CNAME",
            &format!("{token}._domainkey.practice.example"),
            &format!("{token}.dkim.amazonses.com"),
        );
    }
    row(
        "MX",
        "bounce.practice.example",
        "10 feedback-smtp.us-east-1.amazonses.com",
    );
    row(
        "TXT",
        "bounce.practice.example",
        "v=spf1 include:amazonses.com ~all",
    );
    row("TXT", "_dmarc.practice.example", "v=DMARC1; p=none;");
    row(
        "CNAME",
        "_a79865eb4cd1a6ab990a45779b4e0b96.forms.practice.example",
        "_a79865eb4cd1a6ab990a45779b4e0b96-v.jkddzztszm.acm-validations.aws",
    );
    row("CNAME", "forms.practice.example", FORM_TARGET);
    row(
        "CNAME",
        "_1f2e3d4c5b6a79887766554433221100.staff.practice.example",
        "_1f2e3d4c5b6a79887766554433221100-v.jkddzztszm.acm-validations.aws",
    );
    row("CNAME", "staff.practice.example", CONSOLE_TARGET);
    row(
        "MX",
        "replies.practice.example",
        "10 inbound-smtp.us-east-1.amazonaws.com",
    );

    // Everything published: every DNS line passes.
    let zone = zone_of(&setup.url, &setup.name).await;
    assert_eq!(zone.lines().count(), 11, "{zone}");
    let server = DnsServer::start(&zone).await;
    let report = doctor_asking(&setup.url, &setup.name, &[], &server.address).await;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("pass") && l.contains(" DNS "))
            .count(),
        11,
        "{text}"
    );

    // The DMARC record left out, the console's CNAME pointing elsewhere, the replies' MX at
    // another host: each fails by name with what to add; the rest still pass.
    let broken: String = zone
        .lines()
        .filter(|l| !l.starts_with("_dmarc."))
        .map(|l| {
            l.replace(CONSOLE_TARGET, "old-host.practice.example")
                .replace("inbound-smtp.us-east-1.amazonaws.com", "aspmx.l.google.com")
        })
        .map(|l| l + "\n")
        .collect();
    server.publish(&broken);
    let report = doctor_asking(&setup.url, &setup.name, &[], &server.address).await;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    assert_eq!(report.status.code(), Some(1), "{text}");
    let failure = |check: &str, found: &str, fix: &str| {
        let at = text
            .find(&format!("FAIL            {check}: {found}.\n"))
            .unwrap_or_else(|| panic!("{check}: {text}"));
        let next = text[at..].lines().nth(1).unwrap_or_default();
        assert_eq!(next.trim(), format!("Fix: {fix}."), "{text}");
    };
    let host = "at the practice's DNS host (consultation-admin dns lists every record; DNS can take an hour to show it)";
    failure(
        "DNS DMARC",
        "_dmarc.practice.example has no TXT record",
        &format!("add TXT _dmarc.practice.example → v=DMARC1; p=none; {host}"),
    );
    failure(
        "DNS console domain",
        "staff.practice.example CNAME is `old-host.practice.example`",
        &format!("add CNAME staff.practice.example → {CONSOLE_TARGET} {host}"),
    );
    failure(
        "DNS replies MX",
        "replies.practice.example MX is `10 aspmx.l.google.com`",
        &format!(
            "add MX replies.practice.example → 10 inbound-smtp.us-east-1.amazonaws.com {host}"
        ),
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("pass") && l.contains(" DNS "))
            .count(),
        8,
        "{text}"
    );

    // The form's domain as an alias record (A records, as at a zone's apex) to the same addresses
    // as API Gateway's name: published.
    let alias: String = zone
        .lines()
        .filter(|l| !l.starts_with("forms.practice.example."))
        .map(|l| l.to_owned() + "\n")
        .collect::<String>()
        + "forms.practice.example. 3600 IN A 192.0.2.10\n"
        + &format!("{FORM_TARGET}. 60 IN A 192.0.2.10\n{FORM_TARGET}. 60 IN A 192.0.2.11\n");
    server.publish(&alias);
    let report = doctor_asking(&setup.url, &setup.name, &[], &server.address).await;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    assert!(
        text.contains("pass            DNS form domain: forms.practice.example CNAME published"),
        "{text}"
    );

    // A DNS_SERVER that is no address: one line that could not check, never a pass.
    let report = doctor_asking(&setup.url, &setup.name, &[], "dns.practice.example").await;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    assert!(
        text.contains(
            "could not check DNS records: DNS_SERVER `dns.practice.example` is not an IP address and port"
        ),
        "{text}"
    );
    assert!(!text.contains(" DNS DKIM"), "{text}");

    // A DNS server that does not answer: the first record could not be checked, and the rest
    // are not asked (one timeout, not one per record).
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = silent.local_addr().unwrap().to_string();
    let report = doctor_asking(&setup.url, &setup.name, &[], &address).await;
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    drop(silent);
    assert!(
        text.contains("could not check DNS DKIM 1 of 3: DNS gave no answer for "),
        "{text}"
    );
    let not_asked = text
        .lines()
        .filter(|l| {
            l.starts_with("could not check DNS ") && l.contains(": not asked: DNS gave no answer")
        })
        .count();
    assert_eq!(not_asked, 10, "{text}");
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("pass") && l.contains(" DNS ")),
        "{text}"
    );
}

#[tokio::test]
async fn dns_needs_a_deployed_stack() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_consultation-admin"))
        .env_clear()
        .env("TABLE_NAME", "local-table")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .arg("dns")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("dns needs a deployed stack: --stack NAME")
    );
}
