//! Every environment variable the function reads, declared once: its name, whether it is required
//! or what it defaults to, and how its value is parsed. Reading goes only through these
//! declarations, so a variable cannot be read in one place and forgotten in another.

pub use super::console_vars::*;
pub use super::declare::{Declared, Env, Need, Var};
use super::declare::{boolean, email_address, email_addresses, positive, table_name, var};
use super::mail_domains::{domain_name, practice_mail_domains};
use super::origin::{AllowedOrigins, absolute_http_url};
use super::secret_arn::SecretArn;
use crate::catalogues::Language;
use crate::domain::BusinessHours;
use crate::domain::{EmailAddress, PhoneRegion, UrgentPhrases};
use chrono_tz::Tz;
use std::num::NonZeroU32;

use Need::{Default, Optional, Required};

pub const TABLE_NAME: Var<String> = var("TABLE_NAME", Required, table_name);
pub const NOTIFY_FROM: Var<EmailAddress> = var("NOTIFY_FROM", Required, email_address);
pub const NOTIFY_TO: Var<Vec<EmailAddress>> = var("NOTIFY_TO", Required, email_addresses);
/// Where a request goes when a staff address bounces or complains.
pub const NOTIFY_FALLBACK_TO: Var<Vec<EmailAddress>> =
    var("NOTIFY_FALLBACK_TO", Optional, email_addresses);
pub const ALLOWED_ORIGINS: Var<AllowedOrigins> =
    var("ALLOWED_ORIGINS", Required, AllowedOrigins::parse);
pub const THANK_YOU_URL: Var<String> = var("THANK_YOU_URL", Optional, absolute_http_url);
pub const PRACTICE_TIMEZONE: Var<Tz> = var("PRACTICE_TIMEZONE", Default("UTC"), time_zone);
pub const RETENTION_DAYS: Var<NonZeroU32> =
    var("RETENTION_DAYS", Default("365"), |v| positive(v, 36_500));
pub const SPAM_RETENTION_DAYS: Var<NonZeroU32> =
    var("SPAM_RETENTION_DAYS", Default("7"), |v| positive(v, 365));
pub const NOTIFY_INCLUDE_MESSAGE: Var<bool> =
    var("NOTIFY_INCLUDE_MESSAGE", Default("true"), boolean);
pub const PHONE_DEFAULT_REGION: Var<PhoneRegion> =
    var("PHONE_DEFAULT_REGION", Default("US"), phone_region);
pub const RATE_LIMIT_PER_HOUR: Var<NonZeroU32> = var("RATE_LIMIT_PER_HOUR", Default("5"), |v| {
    positive(v, 100_000)
});
pub const TURNSTILE_SECRET_KEY: Var<String> =
    var("TURNSTILE_SECRET_KEY", Optional, |v| Ok(v.to_owned()));
pub const TURNSTILE_VERIFY_URL: Var<String> = var(
    "TURNSTILE_VERIFY_URL",
    Default("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
    absolute_http_url,
);
/// The widget's public key, for the hosted form (Turnstile's site key; not a secret).
pub const TURNSTILE_SITE_KEY: Var<String> = var("TURNSTILE_SITE_KEY", Optional, |v| {
    (v.len() <= 100
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then(|| v.to_owned())
    .ok_or_else(|| "expected a Turnstile site key (letters, digits, _ and -)".to_owned())
});
/// Where the hosted form loads Turnstile's widget from.
pub const TURNSTILE_SCRIPT_URL: Var<String> = var(
    "TURNSTILE_SCRIPT_URL",
    Default("https://challenges.cloudflare.com/turnstile/v0/api.js"),
    absolute_http_url,
);
/// The SES identity the stack sends through (a domain, or the sender's address), for the
/// warm-up's call.
pub const SES_IDENTITY: Var<String> = var("SES_IDENTITY", Optional, |v| Ok(v.to_owned()));
pub const SES_CONFIGURATION_SET: Var<String> =
    var("SES_CONFIGURATION_SET", Optional, |v| Ok(v.to_owned()));
pub const CLIENT_HASH_KEY: Var<Vec<u8>> = var("CLIENT_HASH_KEY", Optional, secret_key);
pub const CONSENT_VERSION: Var<String> = var("CONSENT_VERSION", Default("1"), consent_version);
pub const SEND_ACKNOWLEDGEMENT: Var<bool> = var("SEND_ACKNOWLEDGEMENT", Default("false"), boolean);
pub const URGENT_PHRASES: Var<UrgentPhrases> = var("URGENT_PHRASES", Optional, urgent_phrases);
/// The API's own URL, for the follow-up links; unset: the domain the request came in on.
pub const PUBLIC_BASE_URL: Var<String> = var("PUBLIC_BASE_URL", Optional, absolute_http_url);
/// The secret behind the follow-up links' tokens; unset: the links are left out of the email.
pub const FOLLOW_UP_KEY: Var<Vec<u8>> = var("FOLLOW_UP_KEY", Optional, secret_key);
/// The previous versions of the two keys, so that a rotation orphans nothing: links signed and
/// fingerprints made with them still verify and match. In a deployed stack they come from the
/// secrets' `AWSPREVIOUS` versions.
pub const CLIENT_HASH_KEY_PREVIOUS: Var<Vec<u8>> =
    var("CLIENT_HASH_KEY_PREVIOUS", Optional, secret_key);
pub const FOLLOW_UP_KEY_PREVIOUS: Var<Vec<u8>> =
    var("FOLLOW_UP_KEY_PREVIOUS", Optional, secret_key);
/// Secrets Manager secrets that hold the secrets above, read once per cold start (the deployed
/// stack sets these, never the secrets themselves).
pub const CLIENT_HASH_KEY_ARN: Var<SecretArn> = var("CLIENT_HASH_KEY_ARN", Optional, secret_arn);
pub const FOLLOW_UP_KEY_ARN: Var<SecretArn> = var("FOLLOW_UP_KEY_ARN", Optional, secret_arn);
pub const TURNSTILE_SECRET_KEY_ARN: Var<SecretArn> =
    var("TURNSTILE_SECRET_KEY_ARN", Optional, secret_arn);
/// The heartbeat: the secret its probe's header is signed with, where its email goes, and how
/// many days without a real request raise the quiet-form alarm (0: never).
pub const HEARTBEAT_KEY: Var<Vec<u8>> = var("HEARTBEAT_KEY", Optional, secret_key);
pub const HEARTBEAT_KEY_PREVIOUS: Var<Vec<u8>> =
    var("HEARTBEAT_KEY_PREVIOUS", Optional, secret_key);
pub const HEARTBEAT_KEY_ARN: Var<SecretArn> = var("HEARTBEAT_KEY_ARN", Optional, secret_arn);
pub const HEARTBEAT_TO: Var<Vec<EmailAddress>> = var("HEARTBEAT_TO", Optional, email_addresses);
pub const QUIET_DAYS: Var<u32> = var("QUIET_DAYS", Default("14"), |v| {
    v.parse::<u32>()
        .ok()
        .filter(|days| *days <= 365)
        .ok_or_else(|| "expected a number of days from 0 (off) to 365".to_owned())
});
/// How a person reaches the practice directly when sending the form fails: shown on every `5xx`
/// page and answer.
pub const PRACTICE_PHONE: Var<String> = var("PRACTICE_PHONE", Optional, practice_phone);
pub const PRACTICE_CONTACT_EMAIL: Var<EmailAddress> =
    var("PRACTICE_CONTACT_EMAIL", Optional, email_address);
/// The language of a person whose form says none and whose browser asks for none we speak.
pub const DEFAULT_LANGUAGE: Var<Language> = var("DEFAULT_LANGUAGE", Default("en"), language);
/// A subdomain whose mail SES receives: replies to the staff email count as contact.
pub const REPLY_TRACKING_DOMAIN: Var<String> = var("REPLY_TRACKING_DOMAIN", Optional, domain_name);
/// The practice's own mail domains, whose authenticated senders' replies count as contact;
/// unset: `NOTIFY_FROM`'s domain, unless it is a public mail provider's.
pub const PRACTICE_MAIL_DOMAINS: Var<Vec<String>> =
    var("PRACTICE_MAIL_DOMAINS", Optional, practice_mail_domains);
/// Business hours a `new` request may wait before staff are reminded (urgent ones: 1).
pub const FOLLOW_UP_AFTER_HOURS: Var<NonZeroU32> =
    var("FOLLOW_UP_AFTER_HOURS", Default("4"), |v| positive(v, 168));
pub const BUSINESS_HOURS: Var<BusinessHours> = var(
    "BUSINESS_HOURS",
    Default("Mon-Fri 09:00-17:00"),
    BusinessHours::parse,
);
/// Who hears of a request still `new` after twice the follow-up time.
pub const ESCALATE_TO: Var<Vec<EmailAddress>> = var("ESCALATE_TO", Optional, email_addresses);
/// Open the DynamoDB and SES connections during init, so the first request waits for neither.
pub const WARM_CONNECTIONS: Var<bool> = var("WARM_CONNECTIONS", Default("true"), boolean);
/// Worker threads of the async runtime; 0 runs everything on the main thread, which costs a
/// request fewer thread wake-ups (one invocation at a time is all a Lambda instance gets).
pub const RUNTIME_WORKERS: Var<u8> = var("RUNTIME_WORKERS", Default("0"), |v| {
    v.parse::<u8>()
        .ok()
        .filter(|&n| n <= 16)
        .ok_or_else(|| "expected a number of threads from 0 to 16".to_owned())
});

/// Every variable, in the order of the contract's table.
pub static VARIABLES: &[&dyn Declared] = &[
    &TABLE_NAME,
    &NOTIFY_FROM,
    &NOTIFY_TO,
    &ALLOWED_ORIGINS,
    &THANK_YOU_URL,
    &PRACTICE_TIMEZONE,
    &RETENTION_DAYS,
    &NOTIFY_INCLUDE_MESSAGE,
    &PHONE_DEFAULT_REGION,
    &RATE_LIMIT_PER_HOUR,
    &TURNSTILE_SECRET_KEY,
    &TURNSTILE_VERIFY_URL,
    &SES_CONFIGURATION_SET,
    &CLIENT_HASH_KEY,
    &CONSENT_VERSION,
    &SEND_ACKNOWLEDGEMENT,
    &URGENT_PHRASES,
    &SPAM_RETENTION_DAYS,
    &NOTIFY_FALLBACK_TO,
    &PUBLIC_BASE_URL,
    &FOLLOW_UP_KEY,
    &FOLLOW_UP_AFTER_HOURS,
    &BUSINESS_HOURS,
    &ESCALATE_TO,
    &WARM_CONNECTIONS,
    &RUNTIME_WORKERS,
    &CLIENT_HASH_KEY_PREVIOUS,
    &FOLLOW_UP_KEY_PREVIOUS,
    &CLIENT_HASH_KEY_ARN,
    &FOLLOW_UP_KEY_ARN,
    &TURNSTILE_SECRET_KEY_ARN,
    &REPLY_TRACKING_DOMAIN,
    &PRACTICE_PHONE,
    &PRACTICE_CONTACT_EMAIL,
    &DEFAULT_LANGUAGE,
    &TURNSTILE_SITE_KEY,
    &TURNSTILE_SCRIPT_URL,
    &HEARTBEAT_KEY,
    &HEARTBEAT_KEY_PREVIOUS,
    &HEARTBEAT_KEY_ARN,
    &HEARTBEAT_TO,
    &QUIET_DAYS,
    &SES_IDENTITY,
    &PRACTICE_MAIL_DOMAINS,
    &STAFF_EMAIL_CONTENT,
    &NOTIFY_FRONT_DESK_ON_ASSIGNED,
    &STAFF_BASE_URL,
    &STAFF_RP_ID,
    &STAFF_IDLE_MINUTES,
    &STAFF_SESSION_HOURS,
    &STAFF_TABLE_NAME,
    &ACCESS_LOG_TABLE_NAME,
    &ACCESS_LOG_DAYS,
    &WEBHOOKS_ALLOW_LOCAL_HTTP,
];

/// Lets a webhook go to `http://127.0.0.1` (a local test's receiver). The template never sets
/// it: deployed, a webhook goes only to `https` on port 443 at a public address.
pub const WEBHOOKS_ALLOW_LOCAL_HTTP: Var<bool> =
    var("WEBHOOKS_ALLOW_LOCAL_HTTP", Default("false"), boolean);

/// The variables only a local run sets, never the template.
pub const TEST_ONLY_VARIABLES: [&str; 1] = ["WEBHOOKS_ALLOW_LOCAL_HTTP"];

fn time_zone(name: &str) -> Result<Tz, String> {
    name.parse()
        .map_err(|_| "not an IANA time zone name".to_owned())
}

fn phone_region(code: &str) -> Result<PhoneRegion, String> {
    code.parse()
        .map_err(|_| "not a two-letter region code such as US or GB".to_owned())
}

fn secret_key(key: &str) -> Result<Vec<u8>, String> {
    if key.len() >= 32 {
        Ok(key.as_bytes().to_vec())
    } else {
        Err("must be at least 32 characters of secret".to_owned())
    }
}

fn practice_phone(number: &str) -> Result<String, String> {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let allowed = number
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    (allowed && (6..=15).contains(&digits) && !number[1..].contains('+'))
        .then(|| number.to_owned())
        .ok_or_else(|| {
            "expected a phone number to show people, like (312) 555-0142 or +1 312 555 0142"
                .to_owned()
        })
}

fn language(tag: &str) -> Result<Language, String> {
    Language::ALL
        .into_iter()
        .find(|language| language.tag() == tag.to_ascii_lowercase())
        .ok_or_else(|| {
            let tags: Vec<&str> = Language::ALL.iter().map(|l| l.tag()).collect();
            format!("expected one of {}", tags.join(", "))
        })
}

fn secret_arn(arn: &str) -> Result<SecretArn, String> {
    SecretArn::parse(arn).ok_or_else(|| {
        "expected a Secrets Manager secret ARN, like arn:aws:secretsmanager:us-east-1:123456789012:secret:name".to_owned()
    })
}

fn consent_version(version: &str) -> Result<String, String> {
    if version.chars().count() > 64 || version.chars().any(char::is_control) {
        return Err("at most 64 characters on one line".to_owned());
    }
    Ok(version.to_owned())
}

fn urgent_phrases(list: &str) -> Result<UrgentPhrases, String> {
    let phrases = UrgentPhrases::from_phrases(list.split(','));
    if phrases.is_empty() {
        return Err("list at least one phrase, comma-separated".to_owned());
    }
    Ok(phrases)
}
