//! The records, from what AWS answered: nothing here asks anything.

use super::{DnsRecord, Expect, RecordType, plain};
use aws_sdk_acm::types::CertificateDetail;
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
use aws_sdk_sesv2::types::{DkimSigningAttributesOrigin, IdentityType, MailFromDomainStatus};

/// A custom domain the stack serves (the form's or the console's).
#[derive(Debug, Clone, Default)]
pub struct CustomDomain {
    pub name: String,
    /// Where its CNAME points: API Gateway's regional name (the stack's `…DomainTarget` output).
    pub target: Option<String>,
    /// ACM's description of its certificate.
    pub certificate: Option<CertificateDetail>,
    /// Why ACM did not describe it.
    pub certificate_problem: Option<String>,
}

/// Everything the records come from.
#[derive(Debug, Clone, Default)]
pub struct AwsAnswers {
    pub region: String,
    /// The SES identity's name and SES's answer about it.
    pub identity: Option<(String, GetEmailIdentityOutput)>,
    /// The stack's `DkimRecord1`–`3` outputs (`name CNAME value`): CloudFormation's own full
    /// values, which in some regions name a regional DKIM host.
    pub dkim_outputs: Vec<String>,
    pub form_domain: Option<CustomDomain>,
    pub console_domain: Option<CustomDomain>,
    pub reply_tracking_domain: Option<String>,
}

/// What the records could not say. `consultation-admin dns` prints each under its table; doctor
/// makes a line of each but an `Info`, so nothing it could not check passes unseen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// For the reader: nothing DNS could show.
    Info(String),
    /// A record that could not be listed, so nobody can check it is published.
    Unlisted { purpose: &'static str, why: String },
    /// A setting to change before the records can be right.
    Problem {
        purpose: &'static str,
        found: String,
        fix: String,
    },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Info(text) | Self::Unlisted { why: text, .. } => f.write_str(text),
            Self::Problem { found, fix, .. } => write!(f, "{found}: {fix}"),
        }
    }
}

const DKIM_PURPOSES: [&str; 3] = ["DNS DKIM 1 of 3", "DNS DKIM 2 of 3", "DNS DKIM 3 of 3"];

/// Every record the practice must add, in the order the go-live path needs them (mail first:
/// SES verifies the domain from the DKIM records), and notes on what has none.
pub fn records(answers: &AwsAnswers) -> (Vec<DnsRecord>, Vec<Note>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    if let Some((name, identity)) = &answers.identity {
        mail_records(answers, name, identity, &mut out, &mut notes);
    }
    let domains = [
        (
            &answers.form_domain,
            "DNS form domain",
            "DNS form domain certificate",
            "CustomDomainTarget",
        ),
        (
            &answers.console_domain,
            "DNS console domain",
            "DNS console domain certificate",
            "StaffDomainTarget",
        ),
    ];
    for (domain, purpose, validation, output) in domains {
        let Some(domain) = domain else { continue };
        certificate_records(domain, validation, &mut out, &mut notes);
        match &domain.target {
            Some(target) => out.push(record(
                purpose,
                &domain.name,
                RecordType::Cname,
                target,
                Expect::CnameOrAlias,
            )),
            None => notes.push(Note::Unlisted {
                purpose,
                why: format!(
                    "{}: the stack has no {output} output yet (deploy the current template)",
                    domain.name
                ),
            }),
        }
    }
    if let Some(domain) = &answers.reply_tracking_domain {
        let inbound = format!("10 inbound-smtp.{}.amazonaws.com", answers.region);
        out.push(record(
            "DNS replies MX",
            domain,
            RecordType::Mx,
            &inbound,
            Expect::Exactly,
        ));
    }
    (out, notes)
}

fn record(
    purpose: &'static str,
    name: &str,
    kind: RecordType,
    value: &str,
    expect: Expect,
) -> DnsRecord {
    DnsRecord {
        purpose,
        name: plain(name),
        kind,
        value: value.trim_end_matches('.').to_owned(),
        expect,
    }
}

fn mail_records(
    answers: &AwsAnswers,
    name: &str,
    identity: &GetEmailIdentityOutput,
    out: &mut Vec<DnsRecord>,
    notes: &mut Vec<Note>,
) {
    let domain = matches!(
        identity.identity_type(),
        Some(IdentityType::Domain | IdentityType::ManagedDomain)
    );
    if !domain {
        notes.push(Note::Info(format!(
            "{name} is an address: SES verifies it by a link it emails, and no DNS record signs its mail (set SenderDomain to sign with the practice's domain)"
        )));
        return;
    }
    let dkim = identity.dkim_attributes();
    let own_key = dkim
        .and_then(|d| d.signing_attributes_origin())
        .is_some_and(|o| *o == DkimSigningAttributesOrigin::External);
    let from_outputs: Vec<(String, String)> = answers
        .dkim_outputs
        .iter()
        .filter_map(|o| {
            let (record_name, value) = o.split_once(" CNAME ")?;
            Some((record_name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect();
    if own_key {
        notes.push(Note::Unlisted {
            purpose: "DNS DKIM",
            why: format!(
                "{name} signs with the practice's own DKIM key: its TXT record is the practice's to publish"
            ),
        });
    } else if from_outputs.len() == 3 {
        for ((record_name, value), purpose) in from_outputs.iter().zip(DKIM_PURPOSES) {
            out.push(record(
                purpose,
                record_name,
                RecordType::Cname,
                value,
                Expect::Exactly,
            ));
        }
    } else {
        let tokens = dkim.map(|d| d.tokens()).unwrap_or_default();
        if tokens.is_empty() {
            notes.push(Note::Unlisted {
                purpose: "DNS DKIM",
                why: format!("SES gave no DKIM tokens for {name} yet: run this again in a minute"),
            });
        }
        for (token, purpose) in tokens.iter().zip(DKIM_PURPOSES) {
            out.push(record(
                purpose,
                &format!("{token}._domainkey.{name}"),
                RecordType::Cname,
                &format!("{token}.dkim.amazonses.com"),
                Expect::Exactly,
            ));
        }
    }
    // SES answers with the block and an empty domain when no MAIL FROM is set up.
    if let Some(mail_from) = identity
        .mail_from_attributes()
        .filter(|m| !m.mail_from_domain().is_empty())
    {
        let bounce = mail_from.mail_from_domain();
        if answers.reply_tracking_domain.as_deref() == Some(bounce) {
            notes.push(Note::Problem {
                purpose: "DNS MAIL FROM",
                found: format!("{bounce} is both the MAIL FROM domain and ReplyTrackingDomain"),
                fix: "SES needs the MAIL FROM domain for bounces only; give reply tracking another subdomain".into(),
            });
        }
        if *mail_from.mail_from_domain_status() != MailFromDomainStatus::Success {
            notes.push(Note::Info(format!(
                "SES bounces to its own domain, not {bounce}, until it sees the MX record (MAIL FROM {}); publish the TXT record with it",
                mail_from.mail_from_domain_status().as_str()
            )));
        }
        let feedback = format!("10 feedback-smtp.{}.amazonses.com", answers.region);
        out.push(record(
            "DNS MAIL FROM MX",
            bounce,
            RecordType::Mx,
            &feedback,
            Expect::Exactly,
        ));
        out.push(record(
            "DNS MAIL FROM SPF",
            bounce,
            RecordType::Txt,
            "v=spf1 include:amazonses.com ~all",
            Expect::SpfIncluding,
        ));
    }
    // A start: reports only (p=none); the docs say when to tighten it.
    out.push(record(
        "DNS DMARC",
        &format!("_dmarc.{name}"),
        RecordType::Txt,
        "v=DMARC1; p=none;",
        Expect::SamePolicyKind,
    ));
}

fn certificate_records(
    domain: &CustomDomain,
    purpose: &'static str,
    out: &mut Vec<DnsRecord>,
    notes: &mut Vec<Note>,
) {
    let Some(certificate) = &domain.certificate else {
        notes.push(Note::Unlisted {
            purpose,
            why: format!(
                "{}: ACM did not describe its certificate, so its validation record is not listed: {}",
                domain.name,
                domain
                    .certificate_problem
                    .as_deref()
                    .unwrap_or("the stack names no certificate ARN")
            ),
        });
        return;
    };
    let mut any = false;
    for option in certificate.domain_validation_options() {
        let Some(resource) = option.resource_record() else {
            continue;
        };
        any = true;
        // The apex and its wildcard, or a certificate both domains share: one record.
        if out.iter().any(|r| r.name == plain(resource.name())) {
            continue;
        }
        out.push(record(
            purpose,
            resource.name(),
            RecordType::Cname,
            resource.value(),
            Expect::Exactly,
        ));
    }
    if !any {
        notes.push(Note::Problem {
            purpose,
            found: format!(
                "{}: its certificate has no DNS validation record (validated by email?)",
                domain.name
            ),
            fix: "ACM renews it only when somebody answers its email; request it again with DNS validation and give the stack its ARN".into(),
        });
    }
}
