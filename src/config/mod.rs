//! Typed configuration, read from the environment once at cold start.
//!
//! A missing or invalid variable stops the function at init with an error naming the variable, so
//! a misconfigured deployment fails loudly instead of losing requests quietly. `vars` declares
//! every variable; this module puts their values together.

mod console_vars;
mod declare;
mod error;
mod mail_domains;
mod origin;
mod secret_arn;
mod secret_sources;
pub mod vars;

pub use console_vars::{AccessLogConfig, ConsoleConfig, StaffEmailContent};
pub use error::ConfigError;
pub use origin::{AllowedOrigins, Origin};
pub use secret_arn::SecretArn;
pub use secret_sources::{SecretArns, SecretSource};
pub use vars::VARIABLES;

use crate::catalogues::{Catalogues, Language};
use crate::domain::BusinessHours;
use crate::domain::{EmailAddress, PhoneRegion, UrgentPhrases};
use crate::signing::{ClientHashKey, FollowUpKey, HeartbeatKey};
use chrono_tz::Tz;
use mail_domains::PUBLIC_MAIL_DOMAINS;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use vars::Env;

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    pub notify_from: EmailAddress,
    pub notify_to: Vec<EmailAddress>,
    /// `NOTIFY_FALLBACK_TO`: empty when unset.
    pub notify_fallback_to: Vec<EmailAddress>,
    pub allowed_origins: AllowedOrigins,
    pub thank_you_url: Option<String>,
    pub practice_timezone: Tz,
    pub retention_days: NonZeroU32,
    pub notify_include_message: bool,
    pub phone_default_region: PhoneRegion,
    pub rate_limit_per_hour: NonZeroU32,
    pub turnstile: Option<TurnstileConfig>,
    pub ses_configuration_set: Option<String>,
    pub client_hash_key: ClientHashKey,
    pub consent_version: String,
    pub send_acknowledgement: bool,
    pub urgent_phrases: UrgentPhrases,
    /// How long a request held as spam is kept.
    pub spam_retention_days: NonZeroU32,
    /// `PUBLIC_BASE_URL`: where the follow-up links point; unset, the domain each request came in on.
    pub public_base_url: Option<String>,
    /// `FOLLOW_UP_KEY`: without it the staff email carries no follow-up links.
    pub follow_up_key: Option<FollowUpKey>,
    pub follow_up_after_hours: NonZeroU32,
    pub business_hours: BusinessHours,
    /// `ESCALATE_TO`: empty when unset.
    pub escalate_to: Vec<EmailAddress>,
    /// Open the DynamoDB and SES connections during init, so the first request waits for neither.
    pub warm_connections: bool,
    /// Worker threads of the async runtime; 0: the main thread alone.
    pub runtime_workers: u8,
    /// The secrets read from Secrets Manager at cold start (their values are in the fields above).
    pub secret_arns: SecretArns,
    /// `REPLY_TRACKING_DOMAIN`: replies to the staff email at this domain count as contact.
    pub reply_tracking_domain: Option<String>,
    /// The practice's own mail domains (`PRACTICE_MAIL_DOMAINS`, else `NOTIFY_FROM`'s unless a
    /// public provider's): an authenticated reply from one counts as staff's.
    pub practice_mail_domains: Vec<String>,
    /// `PRACTICE_PHONE`, `PRACTICE_CONTACT_EMAIL`: the way out when sending fails.
    pub practice_contact: PracticeContact,
    /// The hosted form's Turnstile widget: the site key and the script's URL, when Turnstile is
    /// on and a site key is set.
    pub turnstile_widget: Option<(String, String)>,
    /// The heartbeat's signing key (`HEARTBEAT_KEY`) and where its email goes (`HEARTBEAT_TO`):
    /// with both, the daily run probes the whole chain.
    pub heartbeat: Option<HeartbeatConfig>,
    /// `SES_IDENTITY`: the identity the warm-up asks about; unset, the sender's address.
    pub ses_identity: Option<String>,
    /// `QUIET_DAYS`: days without a real request before the quiet-form alarm; 0 turns it off.
    pub quiet_days: u32,
    /// `DEFAULT_LANGUAGE`: for a person whose form and browser name no language we speak.
    pub default_language: Language,
    /// Every text a person reads, in each language.
    pub catalogues: Arc<Catalogues>,
    /// `STAFF_EMAIL_CONTENT`: what staff emails may carry.
    pub staff_email_content: StaffEmailContent,
    /// `NOTIFY_FRONT_DESK_ON_ASSIGNED`: `NOTIFY_TO` gets a copy of an assigned request's email.
    pub notify_front_desk_on_assigned: bool,
    /// `WEBHOOKS_ALLOW_LOCAL_HTTP` (tests only): webhooks may go to `http://127.0.0.1`.
    pub webhooks_allow_local_http: bool,
    /// The staff console; `None` without `STAFF_BASE_URL`.
    pub console: Option<ConsoleConfig>,
    /// The access log's table; `None` without `ACCESS_LOG_TABLE_NAME`.
    pub access_log: Option<AccessLogConfig>,
}

/// The Turnstile secret; never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnstileSecret(String);

impl TurnstileSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TurnstileSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnstileSecret(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnstileConfig {
    pub secret: TurnstileSecret,
    pub verify_url: String,
}

/// The heartbeat's key and its recipients.
#[derive(Debug, Clone)]
pub struct HeartbeatConfig {
    pub key: HeartbeatKey,
    pub to: Vec<EmailAddress>,
}

/// How a person reaches the practice directly when the form cannot get through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeContact {
    /// As the practice writes it, for people to read.
    pub phone: Option<String>,
    pub email: Option<EmailAddress>,
}

impl PracticeContact {
    pub fn is_empty(&self) -> bool {
        self.phone.is_none() && self.email.is_none()
    }

    /// The phone number as a `tel:` link: its digits, and a leading `+` if it has one.
    pub fn tel_href(&self) -> Option<String> {
        self.phone.as_ref().map(|phone| {
            let plus = if phone.trim_start().starts_with('+') {
                "+"
            } else {
                ""
            };
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            format!("tel:{plus}{digits}")
        })
    }
}

/// The required variables with example values: the smallest valid configuration, for tests and
/// for trying the tools.
pub const EXAMPLE_REQUIRED: [(&str, &str); 4] = [
    ("TABLE_NAME", "consultations"),
    ("NOTIFY_FROM", "forms@practice.example"),
    (
        "NOTIFY_TO",
        "intake@practice.example, dr.lee@practice.example",
    ),
    (
        "ALLOWED_ORIGINS",
        "https://www.practice.example,http://localhost:8080",
    ),
];

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads the configuration from a map of variables; empty values count as unset.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| vars.get(name).cloned())
    }

    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(&Env::new(lookup))
    }

    fn read(env: &Env<'_>) -> Result<Self, ConfigError> {
        use vars::*;
        let verify_url = env.required(&TURNSTILE_VERIFY_URL)?;
        let turnstile = env
            .optional(&TURNSTILE_SECRET_KEY)?
            .map(|secret| TurnstileConfig {
                secret: TurnstileSecret(secret),
                verify_url,
            });
        let client_hash_key_previous = env.optional(&CLIENT_HASH_KEY_PREVIOUS)?;
        let client_hash_key = match env.optional(&CLIENT_HASH_KEY)? {
            Some(bytes) => ClientHashKey::new(bytes, client_hash_key_previous),
            None => ClientHashKey::generate().map_err(|e| ConfigError::Invalid {
                variable: CLIENT_HASH_KEY.name,
                reason: format!("unset, and no random key could be made: {e}"),
            })?,
        };
        let follow_up_key_previous = env.optional(&FOLLOW_UP_KEY_PREVIOUS)?;
        let follow_up_key = env
            .optional(&FOLLOW_UP_KEY)?
            .map(|key| FollowUpKey::new(key, follow_up_key_previous));
        let heartbeat_previous = env.optional(&HEARTBEAT_KEY_PREVIOUS)?;
        let heartbeat = match (env.optional(&HEARTBEAT_KEY)?, env.optional(&HEARTBEAT_TO)?) {
            (Some(key), Some(to)) => Some(HeartbeatConfig {
                key: HeartbeatKey::new(key, heartbeat_previous),
                to,
            }),
            _ => None,
        };
        let script_url = env.required(&TURNSTILE_SCRIPT_URL)?;
        let notify_from = env.required(&NOTIFY_FROM)?;
        let console = console_vars::console(env)?;
        let staff_email_content = env.required(&STAFF_EMAIL_CONTENT)?;
        if staff_email_content == StaffEmailContent::Minimal && console.is_none() {
            return Err(ConfigError::Invalid {
                variable: STAFF_EMAIL_CONTENT.name,
                reason: "minimal needs the staff console (STAFF_BASE_URL): staff could read a request nowhere else".to_owned(),
            });
        }
        let turnstile_widget = env
            .optional(&TURNSTILE_SITE_KEY)?
            .filter(|_| turnstile.is_some())
            .map(|key| (key, script_url));
        Ok(Config {
            table_name: env.required(&TABLE_NAME)?,
            notify_from: notify_from.clone(),
            notify_to: env.required(&NOTIFY_TO)?,
            notify_fallback_to: env.optional(&NOTIFY_FALLBACK_TO)?.unwrap_or_default(),
            allowed_origins: env.required(&ALLOWED_ORIGINS)?,
            thank_you_url: env.optional(&THANK_YOU_URL)?,
            practice_timezone: env.required(&PRACTICE_TIMEZONE)?,
            retention_days: env.required(&RETENTION_DAYS)?,
            notify_include_message: env.required(&NOTIFY_INCLUDE_MESSAGE)?,
            phone_default_region: env.required(&PHONE_DEFAULT_REGION)?,
            rate_limit_per_hour: env.required(&RATE_LIMIT_PER_HOUR)?,
            turnstile,
            ses_configuration_set: env.optional(&SES_CONFIGURATION_SET)?,
            client_hash_key,
            consent_version: env.required(&CONSENT_VERSION)?,
            send_acknowledgement: env.required(&SEND_ACKNOWLEDGEMENT)?,
            urgent_phrases: env.optional(&URGENT_PHRASES)?.unwrap_or_default(),
            spam_retention_days: env.required(&SPAM_RETENTION_DAYS)?,
            public_base_url: env.optional(&PUBLIC_BASE_URL)?,
            follow_up_key,
            follow_up_after_hours: env.required(&FOLLOW_UP_AFTER_HOURS)?,
            business_hours: env.required(&BUSINESS_HOURS)?,
            escalate_to: env.optional(&ESCALATE_TO)?.unwrap_or_default(),
            warm_connections: env.required(&WARM_CONNECTIONS)?,
            runtime_workers: env.required(&RUNTIME_WORKERS)?,
            secret_arns: SecretArns::read(env)?,
            reply_tracking_domain: env.optional(&REPLY_TRACKING_DOMAIN)?,
            practice_mail_domains: env.optional(&PRACTICE_MAIL_DOMAINS)?.unwrap_or_else(|| {
                let domain = notify_from.domain().to_ascii_lowercase();
                if PUBLIC_MAIL_DOMAINS.contains(&domain.as_str()) {
                    Vec::new()
                } else {
                    vec![domain]
                }
            }),
            practice_contact: PracticeContact {
                phone: env.optional(&PRACTICE_PHONE)?,
                email: env.optional(&PRACTICE_CONTACT_EMAIL)?,
            },
            turnstile_widget,
            heartbeat,
            quiet_days: env.required(&QUIET_DAYS)?,
            ses_identity: env.optional(&SES_IDENTITY)?,
            default_language: env.required(&DEFAULT_LANGUAGE)?,
            catalogues: Arc::new(Catalogues::new()),
            staff_email_content,
            notify_front_desk_on_assigned: env.required(&NOTIFY_FRONT_DESK_ON_ASSIGNED)?,
            webhooks_allow_local_http: env.required(&WEBHOOKS_ALLOW_LOCAL_HTTP)?,
            console,
            access_log: console_vars::access_log(env)?,
        })
    }
}

#[cfg(test)]
mod tests;
