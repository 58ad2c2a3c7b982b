//! doctor's DNS lines: one per record `consultation-admin dns` prints, each asked of DNS, saying
//! which is missing and what to add.

use super::{CheckLine, Verdict, could_not};
use crate::dns::{AskError, DnsLookup, DnsRecord, Found, LookupError, Note, records};

/// Every record's line; one line when the records could not be known.
pub async fn lines(
    answers: Result<crate::dns::AwsAnswers, AskError>,
    lookup: Result<DnsLookup, LookupError>,
) -> Vec<CheckLine> {
    let answers = match answers {
        Ok(answers) => answers,
        Err(AskError::Aws(error)) => return vec![one_line(could_not(&error))],
        Err(error) => return vec![one_line(Verdict::CouldNotCheck(error.to_string()))],
    };
    let lookup = match lookup {
        Ok(lookup) => lookup,
        Err(error) => return vec![one_line(Verdict::CouldNotCheck(error.to_string()))],
    };
    let (records, notes) = records(&answers);
    let mut lines = Vec::new();
    let mut unanswered = None;
    for record in &records {
        // One server that does not answer is enough to know: the rest are not asked.
        let verdict = match &unanswered {
            Some(why) => Verdict::CouldNotCheck(format!("not asked: {why}")),
            None => {
                let found = lookup.check(record).await;
                if let Err(error) = &found {
                    unanswered = Some(error.to_string());
                }
                verdict(record, found)
            }
        };
        lines.push(CheckLine {
            name: record.purpose,
            verdict,
        });
    }
    lines.extend(notes.into_iter().filter_map(note_line));
    lines
}

/// A record that could not be listed is one that could not be checked; a setting to change
/// fails. A note for the reader alone makes no line.
fn note_line(note: Note) -> Option<CheckLine> {
    let (name, verdict) = match note {
        Note::Info(_) => return None,
        Note::Unlisted { purpose, why } => (purpose, Verdict::CouldNotCheck(why)),
        Note::Problem {
            purpose,
            found,
            fix,
        } => (purpose, Verdict::Fail { found, fix }),
    };
    Some(CheckLine { name, verdict })
}

fn one_line(verdict: Verdict) -> CheckLine {
    CheckLine {
        name: "DNS records",
        verdict,
    }
}

/// A record's verdict from what DNS said.
pub fn verdict(record: &DnsRecord, found: Result<Found, LookupError>) -> Verdict {
    let kind = record.kind.as_str();
    let name = &record.name;
    match found {
        Ok(Found::Published) => Verdict::Pass(format!("{name} {kind} published")),
        Ok(Found::Missing(there)) => Verdict::Fail {
            found: if there.is_empty() {
                format!("{name} has no {kind} record")
            } else {
                format!("{name} {kind} is `{}`", there.join("`, `"))
            },
            fix: format!(
                "add {kind} {name} → {} at the practice's DNS host (consultation-admin dns lists every record; DNS can take an hour to show it)",
                record.value
            ),
        },
        Err(error) => Verdict::CouldNotCheck(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::{Expect, RecordType};

    fn dmarc() -> DnsRecord {
        DnsRecord {
            purpose: "DNS DMARC",
            name: "_dmarc.practice.example".into(),
            kind: RecordType::Txt,
            value: "v=DMARC1; p=none;".into(),
            expect: Expect::SamePolicyKind,
        }
    }

    #[test]
    fn a_missing_record_fails_with_what_to_add() {
        let Verdict::Fail { found, fix } = verdict(&dmarc(), Ok(Found::Missing(vec![]))) else {
            panic!("not a failure");
        };
        assert_eq!(found, "_dmarc.practice.example has no TXT record");
        assert!(
            fix.starts_with("add TXT _dmarc.practice.example → v=DMARC1; p=none; "),
            "{fix}"
        );
    }

    #[test]
    fn a_wrong_record_says_what_is_there() {
        let Verdict::Fail { found, .. } =
            verdict(&dmarc(), Ok(Found::Missing(vec!["v=spf1 -all".into()])))
        else {
            panic!("not a failure");
        };
        assert_eq!(found, "_dmarc.practice.example TXT is `v=spf1 -all`");
    }

    /// An address sender (nothing to sign) and a form domain whose certificate ACM would not
    /// describe and whose target the stack lacks: no record to ask DNS for, and a line for each
    /// thing that could not be listed, none for the note that is only for the reader.
    #[tokio::test]
    async fn what_the_records_could_not_say_is_a_line_never_a_pass() {
        use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
        use aws_sdk_sesv2::types::IdentityType;
        let address = GetEmailIdentityOutput::builder()
            .identity_type(IdentityType::EmailAddress)
            .build();
        let answers = crate::dns::AwsAnswers {
            region: "us-east-1".into(),
            identity: Some(("intake@practice.example".into(), address)),
            form_domain: Some(crate::dns::CustomDomain {
                name: "forms.practice.example".into(),
                certificate_problem: Some("ACM DescribeCertificate: AccessDeniedException".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        // Port 9 (discard): nothing is asked of it, and nothing may be.
        let lookup = DnsLookup::new(Some("127.0.0.1:9"));
        let got = lines(Ok(answers), lookup).await;
        let shown: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "could not check DNS form domain certificate: forms.practice.example: ACM did not describe its certificate, so its validation record is not listed: ACM DescribeCertificate: AccessDeniedException",
                "could not check DNS form domain: forms.practice.example: the stack has no CustomDomainTarget output yet (deploy the current template)",
            ]
        );
    }

    #[test]
    fn a_setting_to_change_fails_with_its_fix() {
        let problem = Note::Problem {
            purpose: "DNS MAIL FROM",
            found: "bounce.practice.example is both the MAIL FROM domain and ReplyTrackingDomain"
                .into(),
            fix: "give reply tracking another subdomain".into(),
        };
        assert_eq!(
            note_line(problem).map(|l| l.to_string()),
            Some("FAIL            DNS MAIL FROM: bounce.practice.example is both the MAIL FROM domain and ReplyTrackingDomain.\n                Fix: give reply tracking another subdomain.".into())
        );
    }

    #[test]
    fn no_answer_from_dns_is_no_verdict() {
        let unanswered = LookupError::Unanswered {
            name: "x".into(),
            kind: "TXT",
            why: "timed out".into(),
        };
        assert!(matches!(
            verdict(&dmarc(), Err(unanswered)),
            Verdict::CouldNotCheck(why) if why.contains("timed out")
        ));
        assert_eq!(
            verdict(&dmarc(), Ok(Found::Published)),
            Verdict::Pass("_dmarc.practice.example TXT published".into())
        );
    }
}
