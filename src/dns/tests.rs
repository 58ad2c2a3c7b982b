//! The records from SES's and ACM's answers as their API references show them, and what counts
//! as published.

use super::*;
use aws_sdk_acm::types::{
    CertificateDetail, DomainValidation, RecordType as AcmRecordType, ResourceRecord,
    ValidationMethod,
};
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
use aws_sdk_sesv2::types::{
    BehaviorOnMxFailure, DkimAttributes, DkimSigningAttributesOrigin, DkimStatus, IdentityType,
    MailFromAttributes, MailFromDomainStatus,
};

const TOKENS: [&str; 3] = [
    "vvjuipp74whm76gqoni7qmwwn4w4qusjiainivf6sf",
    "3frqe7jn4obpuxjpwpolz6ipb3k5nvt2nhjpik2oy",
    "wrqplteh7oodxnad7hsl4mixg2uavzneazxv5sxi2",
];

fn identity(kind: IdentityType, with_mail_from: bool) -> GetEmailIdentityOutput {
    let dkim = DkimAttributes::builder()
        .signing_enabled(true)
        .status(DkimStatus::Pending)
        .set_tokens(Some(TOKENS.iter().map(|t| t.to_string()).collect()))
        .signing_attributes_origin(DkimSigningAttributesOrigin::AwsSes)
        .build();
    let mut answer = GetEmailIdentityOutput::builder()
        .identity_type(kind)
        .verified_for_sending_status(false)
        .dkim_attributes(dkim);
    if with_mail_from {
        answer = answer.mail_from_attributes(
            MailFromAttributes::builder()
                .mail_from_domain("bounce.practice.example")
                .mail_from_domain_status(MailFromDomainStatus::Pending)
                .behavior_on_mx_failure(BehaviorOnMxFailure::UseDefaultValue)
                .build()
                .unwrap(),
        );
    }
    answer.build()
}

fn certificate(names: &[&str], method: ValidationMethod) -> CertificateDetail {
    let options = names.iter().map(|name| {
        let mut option = DomainValidation::builder()
            .domain_name(*name)
            .validation_method(method.clone());
        if method == ValidationMethod::Dns {
            // ACM gives the apex and its wildcard the same record.
            option = option.resource_record(
                ResourceRecord::builder()
                    .name("_3639ac514e785e898d2646601fa951d5.forms.practice.example.")
                    .r#type(AcmRecordType::Cname)
                    .value("_98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws.")
                    .build()
                    .unwrap(),
            );
        }
        option.build().unwrap()
    });
    CertificateDetail::builder()
        .set_domain_validation_options(Some(options.collect()))
        .build()
}

fn practice() -> AwsAnswers {
    AwsAnswers {
        region: "us-east-1".into(),
        identity: Some((
            "practice.example".into(),
            identity(IdentityType::Domain, true),
        )),
        dkim_outputs: Vec::new(),
        form_domain: Some(CustomDomain {
            name: "forms.practice.example".into(),
            target: Some("d-abc123.execute-api.us-east-1.amazonaws.com".into()),
            certificate: Some(certificate(
                &["forms.practice.example", "*.forms.practice.example"],
                ValidationMethod::Dns,
            )),
            certificate_problem: None,
        }),
        console_domain: None,
        reply_tracking_domain: Some("replies.practice.example".into()),
    }
}

fn lines(records: &[DnsRecord]) -> Vec<String> {
    records.iter().map(DnsRecord::zone_line).collect()
}

#[test]
fn a_domain_sender_gets_dkim_mail_from_dmarc_and_each_domains_records() {
    let (records, notes) = records(&practice());
    assert_eq!(notes.len(), 1, "{notes:?}"); // SES has not seen the MAIL FROM MX yet
    assert_eq!(
        lines(&records),
        [
            format!("{0}._domainkey.practice.example. 3600 IN CNAME {0}.dkim.amazonses.com.", TOKENS[0]),
            format!("{0}._domainkey.practice.example. 3600 IN CNAME {0}.dkim.amazonses.com.", TOKENS[1]),
            format!("{0}._domainkey.practice.example. 3600 IN CNAME {0}.dkim.amazonses.com.", TOKENS[2]),
            "bounce.practice.example. 3600 IN MX 10 feedback-smtp.us-east-1.amazonses.com.".into(),
            "bounce.practice.example. 3600 IN TXT \"v=spf1 include:amazonses.com ~all\"".into(),
            "_dmarc.practice.example. 3600 IN TXT \"v=DMARC1; p=none;\"".into(),
            "_3639ac514e785e898d2646601fa951d5.forms.practice.example. 3600 IN CNAME _98d2646601fa951d53639ac514e785e8.mhbtsbpdnt.acm-validations.aws.".into(),
            "forms.practice.example. 3600 IN CNAME d-abc123.execute-api.us-east-1.amazonaws.com.".into(),
            "replies.practice.example. 3600 IN MX 10 inbound-smtp.us-east-1.amazonaws.com.".into(),
        ]
    );
    let table = table(&records);
    assert_eq!(table.lines().count(), 9);
    assert!(table.contains("DNS DKIM 1 of 3"), "{table}");
}

#[test]
fn the_stacks_dkim_outputs_win_over_the_tokens() {
    // CloudFormation's full values: in some regions the host is regional.
    let mut answers = practice();
    answers.region = "af-south-1".into();
    answers.dkim_outputs = (1..=3)
        .map(|n| {
            format!("t{n}._domainkey.practice.example CNAME t{n}.dkim.af-south-1.amazonses.com")
        })
        .collect();
    let (records, _) = records(&answers);
    assert_eq!(records[0].name, "t1._domainkey.practice.example");
    assert_eq!(records[2].value, "t3.dkim.af-south-1.amazonses.com");
    assert_eq!(
        records[3].value,
        "10 feedback-smtp.af-south-1.amazonses.com"
    );
}

#[test]
fn an_address_sender_has_no_records_and_says_why() {
    let answers = AwsAnswers {
        region: "us-east-1".into(),
        identity: Some((
            "forms@practice.example".into(),
            identity(IdentityType::EmailAddress, false),
        )),
        ..AwsAnswers::default()
    };
    let (records, notes) = records(&answers);
    assert!(records.is_empty(), "{records:?}");
    assert!(notes[0].to_string().contains("is an address"), "{notes:?}");
}

#[test]
fn no_mail_from_means_no_mail_from_records_and_email_validation_is_noted() {
    let mut answers = practice();
    answers.identity = Some((
        "practice.example".into(),
        identity(IdentityType::Domain, false),
    ));
    answers.form_domain.as_mut().unwrap().certificate = Some(certificate(
        &["forms.practice.example"],
        ValidationMethod::Email,
    ));
    answers.form_domain.as_mut().unwrap().target = None;
    let (records, notes) = records(&answers);
    let purposes: Vec<&str> = records.iter().map(|r| r.purpose).collect();
    assert_eq!(
        purposes,
        [
            "DNS DKIM 1 of 3",
            "DNS DKIM 2 of 3",
            "DNS DKIM 3 of 3",
            "DNS DMARC",
            "DNS replies MX"
        ]
    );
    // An email-validated certificate is a setting to change; a missing target, a record nobody
    // can check yet.
    assert!(
        matches!(&notes[0], Note::Problem { purpose: "DNS form domain certificate", found, .. }
            if found.contains("no DNS validation record")),
        "{notes:?}"
    );
    assert!(
        matches!(&notes[1], Note::Unlisted { purpose: "DNS form domain", why }
            if why.contains("no CustomDomainTarget output")),
        "{notes:?}"
    );
}

fn txt(purpose: &'static str, value: &str, expect: Expect) -> DnsRecord {
    DnsRecord {
        purpose,
        name: "x.practice.example".into(),
        kind: RecordType::Txt,
        value: value.into(),
        expect,
    }
}

#[test]
fn what_counts_as_published() {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cname = DnsRecord {
        purpose: "DNS form domain",
        name: "forms.practice.example".into(),
        kind: RecordType::Cname,
        value: "d-abc.execute-api.us-east-1.amazonaws.com".into(),
        expect: Expect::CnameOrAlias,
    };
    assert!(published(
        &cname,
        &strings(&["D-ABC.execute-api.us-east-1.amazonaws.com."])
    ));
    assert!(!published(
        &cname,
        &strings(&["d-other.execute-api.us-east-1.amazonaws.com."])
    ));
    assert!(!published(&cname, &[]));

    let mx = DnsRecord {
        purpose: "DNS replies MX",
        name: "replies.practice.example".into(),
        kind: RecordType::Mx,
        value: "10 inbound-smtp.us-east-1.amazonaws.com".into(),
        expect: Expect::Exactly,
    };
    assert!(published(
        &mx,
        &strings(&["20 inbound-smtp.us-east-1.amazonaws.com."])
    ));
    assert!(!published(&mx, &strings(&["10 aspmx.l.google.com."])));
    // Mail goes to the lowest preference first: another host there takes the replies.
    assert!(!published(
        &mx,
        &strings(&[
            "5 aspmx.l.google.com",
            "10 inbound-smtp.us-east-1.amazonaws.com"
        ])
    ));
    assert!(published(
        &mx,
        &strings(&[
            "10 inbound-smtp.us-east-1.amazonaws.com",
            "20 backup.practice.example"
        ])
    ));

    let spf = txt(
        "DNS MAIL FROM SPF",
        "v=spf1 include:amazonses.com ~all",
        Expect::SpfIncluding,
    );
    assert!(published(
        &spf,
        &strings(&["v=spf1 include:amazonses.com ~all"])
    ));
    assert!(published(
        &spf,
        &strings(&[
            "v=spf1 include:_spf.google.com include:amazonses.com -all",
            "google-site-verification=x"
        ])
    ));
    // Two SPF records: receivers treat the name as having none.
    assert!(!published(
        &spf,
        &strings(&[
            "v=spf1 include:amazonses.com ~all",
            "v=spf1 include:_spf.google.com ~all"
        ])
    ));
    assert!(!published(
        &spf,
        &strings(&["v=spf1 include:amazonses.com.evil ~all"])
    ));

    let dmarc = txt("DNS DMARC", "v=DMARC1; p=none;", Expect::SamePolicyKind);
    assert!(published(
        &dmarc,
        &strings(&["v=DMARC1; p=reject; rua=mailto:d@practice.example"])
    ));
    assert!(!published(&dmarc, &strings(&["v=spf1 -all"])));
    // Two DMARC records: receivers apply none.
    assert!(!published(
        &dmarc,
        &strings(&["v=DMARC1; p=none;", "v=DMARC1; p=reject;"])
    ));
    assert!(!published(&dmarc, &[]));
}

#[test]
fn an_empty_mail_from_a_pending_one_and_a_shared_certificate() {
    // SES answers an identity without MAIL FROM with the block and an empty domain.
    let mut answers = practice();
    let mut identity = identity(IdentityType::Domain, false);
    identity.mail_from_attributes = Some(
        MailFromAttributes::builder()
            .mail_from_domain("")
            .mail_from_domain_status(MailFromDomainStatus::Failed)
            .behavior_on_mx_failure(BehaviorOnMxFailure::UseDefaultValue)
            .build()
            .unwrap(),
    );
    answers.identity = Some(("practice.example".into(), identity));
    let shared = answers.form_domain.clone().unwrap().certificate;
    answers.console_domain = Some(CustomDomain {
        name: "staff.practice.example".into(),
        target: Some("d-xyz.execute-api.us-east-1.amazonaws.com".into()),
        certificate: shared,
        certificate_problem: None,
    });
    let (records, notes) = records(&answers);
    assert!(
        records
            .iter()
            .all(|r| !r.name.is_empty() && !r.purpose.contains("MAIL FROM")),
        "{records:?}"
    );
    // One validation record for both: listed once, and no note that it has none.
    assert_eq!(
        records
            .iter()
            .filter(|r| r.name.starts_with("_3639"))
            .count(),
        1
    );
    assert_eq!(notes, Vec::<Note>::new());

    let (_, notes) = super::records(&practice());
    assert!(
        notes[0].to_string().contains("SES bounces to its own domain, not bounce.practice.example, until it sees the MX record (MAIL FROM PENDING)"),
        "{notes:?}"
    );
}

#[test]
fn a_certificate_acm_would_not_describe_is_noted_with_why() {
    let mut answers = practice();
    let form = answers.form_domain.as_mut().unwrap();
    form.certificate = None;
    form.certificate_problem = Some("ACM DescribeCertificate: AccessDeniedException".into());
    let (records, notes) = records(&answers);
    assert!(
        records
            .iter()
            .all(|r| r.purpose != "DNS form domain certificate")
    );
    assert!(
        notes.iter().any(|n| matches!(n,
            Note::Unlisted { purpose: "DNS form domain certificate", why }
                if why.contains("AccessDeniedException"))),
        "{notes:?}"
    );
}
