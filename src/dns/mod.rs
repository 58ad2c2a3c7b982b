//! The DNS records a practice adds for its stack, from AWS's own answers (SES's DKIM tokens and
//! MAIL FROM domain, ACM's validation records, the custom domains' targets), printed by
//! `consultation-admin dns` and checked one by one by `doctor`. What counts as published is a pure
//! function of what DNS answered (`published`); `lookup` asks a DNS server for it.

mod ask;
mod lookup;
mod records;
#[cfg(test)]
mod tests;

pub use ask::{AskError, ask_aws};
pub use lookup::{DnsLookup, Found, LookupError};
pub use records::{AwsAnswers, CustomDomain, Note, records};

/// The kinds of record the stack needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    Cname,
    Mx,
    Txt,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cname => "CNAME",
            Self::Mx => "MX",
            Self::Txt => "TXT",
        }
    }
}

/// What counts as the record being published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// That value (names compared without case or a final dot).
    Exactly,
    /// A TXT record that starts as the value does up to its first `;`: DMARC with any policy the
    /// practice chose.
    SamePolicyKind,
    /// An SPF record (`v=spf1`) that includes the value's `include:` (the practice may list its
    /// other senders in the same record).
    SpfIncluding,
    /// A CNAME to the value, or an alias record at the DNS host: the name's addresses are the
    /// value's.
    CnameOrAlias,
}

/// One record to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    /// What it is for, as doctor's line names it.
    pub purpose: &'static str,
    /// The full name, without a final dot.
    pub name: String,
    pub kind: RecordType,
    /// As the DNS host's form takes it (an MX: `10 host`).
    pub value: String,
    pub expect: Expect,
}

impl DnsRecord {
    /// The record as a line of a zone file.
    pub fn zone_line(&self) -> String {
        let value = match self.kind {
            RecordType::Cname => format!("{}.", self.value),
            RecordType::Mx => format!("{}.", self.value),
            RecordType::Txt => format!("\"{}\"", self.value),
        };
        format!("{}. 3600 IN {} {value}", self.name, self.kind.as_str())
    }
}

/// The records as a table for a person: type, name, value, and what each is for.
pub fn table(records: &[DnsRecord]) -> String {
    let width = |f: &dyn Fn(&DnsRecord) -> usize| records.iter().map(f).max().unwrap_or(0);
    let name_width = width(&|r| r.name.len());
    let value_width = width(&|r| r.value.len());
    let mut out = String::new();
    for record in records {
        out.push_str(&format!(
            "{:<6} {:<name_width$}  {:<value_width$}  {}\n",
            record.kind.as_str(),
            record.name,
            record.value,
            record.purpose
        ));
    }
    out
}

/// A name as DNS compares it: no case, no final dot.
fn plain(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether what DNS answered for the record's name and type publishes it. `found` holds the
/// answers as text: a CNAME's or MX's host (an MX with its preference first), a TXT record's
/// strings joined.
pub fn published(record: &DnsRecord, found: &[String]) -> bool {
    match (record.kind, record.expect) {
        (RecordType::Mx, _) => {
            // Mail goes to the lowest preference first: the host must be among those.
            let parse = |mx: &str| {
                let mut words = mx.split_whitespace();
                let preference = words.next()?.parse::<u16>().ok()?;
                Some((preference, plain(words.next()?)))
            };
            let exchanges: Vec<(u16, String)> = found.iter().filter_map(|f| parse(f)).collect();
            let lowest = exchanges.iter().map(|(p, _)| *p).min();
            let wanted = parse(&record.value).map(|(_, host)| host);
            exchanges
                .iter()
                .any(|(p, host)| Some(*p) == lowest && Some(host) == wanted.as_ref())
        }
        (RecordType::Txt, Expect::SamePolicyKind) => {
            // One record of the kind: with two, receivers apply none (RFC 7489, 6.6.3).
            let kind = |t: &str| t.split(';').next().unwrap_or_default().trim().to_owned();
            found
                .iter()
                .filter(|f| kind(f) == kind(&record.value))
                .count()
                == 1
        }
        (RecordType::Txt, Expect::SpfIncluding) => {
            let include = record
                .value
                .split_whitespace()
                .find(|w| w.starts_with("include:"))
                .unwrap_or_default();
            // One SPF record per name: two make receivers fail both (RFC 7208, 4.5).
            let spf: Vec<&String> = found.iter().filter(|f| f.starts_with("v=spf1")).collect();
            spf.len() == 1 && spf[0].split_whitespace().any(|w| w == include)
        }
        (RecordType::Txt, _) => found.iter().any(|f| f == &record.value),
        (RecordType::Cname, _) => found.iter().any(|f| plain(f) == plain(&record.value)),
    }
}
