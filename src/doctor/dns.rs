//! doctor's DNS lines: one per record `consultation-admin dns` prints, each asked of DNS, saying
//! which is missing and what to add.

use super::{CheckLine, Verdict, could_not};
use crate::dns::{AskError, DnsLookup, DnsRecord, Found, LookupError, records};

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
    let (records, _notes) = records(&answers);
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
    lines
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
