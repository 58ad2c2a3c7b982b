//! The practice's own mail domains, for reply tracking: a reply from an address there may be the
//! staff's answer to the person; an address at a public mail provider never says so.

/// The big public mail providers: a domain anyone can have an address at, so never "the
/// practice's domain" for reply tracking (a staff address there still counts, by itself).
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.net",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "fastmail.com",
    "comcast.net",
    "att.net",
    "verizon.net",
];

pub(super) fn practice_mail_domains(list: &str) -> Result<Vec<String>, String> {
    let domains = list
        .split(',')
        .filter(|d| !d.trim().is_empty())
        .map(|d| domain_name(d.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(public) = domains
        .iter()
        .find(|d| PUBLIC_MAIL_DOMAINS.contains(&d.as_str()))
    {
        return Err(format!(
            "{public} is a public mail provider's: anyone has an address there; list the practice's own domains (a staff address there counts by itself)"
        ));
    }
    if domains.is_empty() {
        return Err("list at least one domain".to_owned());
    }
    Ok(domains)
}

pub(super) fn domain_name(name: &str) -> Result<String, String> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<&str> = name.split('.').collect();
    (labels.len() >= 2 && name.len() <= 253 && labels.iter().all(|l| label_ok(l)))
        .then_some(name.clone())
        .ok_or_else(|| "expected a domain name like replies.practice.example".to_owned())
}
