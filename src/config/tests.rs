use super::*;

fn minimal() -> HashMap<String, String> {
    EXAMPLE_REQUIRED
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn with(extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars = minimal();
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    vars
}

#[test]
fn defaults_apply_when_only_required_variables_are_set() {
    let config = Config::from_vars(&minimal()).unwrap();
    assert_eq!(config.table_name, "consultations");
    assert_eq!(config.notify_to.len(), 2);
    assert_eq!(config.thank_you_url, None);
    assert_eq!(config.practice_timezone, Tz::UTC);
    assert_eq!(config.retention_days.get(), 365);
    assert!(config.notify_include_message);
    assert_eq!(config.phone_default_region, PhoneRegion::default());
    assert_eq!(config.rate_limit_per_hour.get(), 5);
    assert_eq!(config.turnstile, None);
    assert_eq!(config.ses_configuration_set, None);
    assert!(config.client_hash_key.generated);
    assert_eq!(config.client_hash_key.key_len(), 32);
    assert_eq!(config.consent_version, "1");
    assert!(!config.send_acknowledgement);
    assert_eq!(config.urgent_phrases, UrgentPhrases::default());
    assert!(config.warm_connections);
    assert_eq!(config.spam_retention_days.get(), 7);
    assert!(config.allowed_origins.allows("http://localhost:8080"));
    assert!(
        config
            .allowed_origins
            .allows("https://WWW.practice.example")
    );
    assert!(!config.allowed_origins.allows("https://evil.example"));
}

#[test]
fn every_missing_required_variable_is_named() {
    for name in ["TABLE_NAME", "NOTIFY_FROM", "NOTIFY_TO", "ALLOWED_ORIGINS"] {
        let mut vars = minimal();
        vars.remove(name);
        assert_eq!(
            Config::from_vars(&vars).unwrap_err(),
            ConfigError::Missing(name)
        );
        vars.insert(name.to_owned(), "  ".to_owned());
        assert_eq!(
            Config::from_vars(&vars).unwrap_err(),
            ConfigError::Missing(name)
        );
    }
}

#[test]
fn every_invalid_variable_is_named() {
    let cases: &[(&str, &str)] = &[
        ("TABLE_NAME", "no spaces allowed"),
        ("NOTIFY_FROM", "Forms <forms@practice.example>"),
        ("NOTIFY_TO", "intake@practice.example, nobody"),
        ("ALLOWED_ORIGINS", "https://www.practice.example/"),
        ("ALLOWED_ORIGINS", "www.practice.example"),
        ("THANK_YOU_URL", "/thanks"),
        ("PRACTICE_TIMEZONE", "Mars/Olympus"),
        ("RETENTION_DAYS", "0"),
        ("RETENTION_DAYS", "a year"),
        ("NOTIFY_INCLUDE_MESSAGE", "maybe"),
        ("PHONE_DEFAULT_REGION", "USA"),
        ("RATE_LIMIT_PER_HOUR", "-1"),
        ("TURNSTILE_VERIFY_URL", "ftp://verify"),
        ("CLIENT_HASH_KEY", "too-short"),
        ("SEND_ACKNOWLEDGEMENT", "sometimes"),
        ("URGENT_PHRASES", " , ,"),
        ("WARM_CONNECTIONS", "often"),
        ("SPAM_RETENTION_DAYS", "0"),
        (
            "NOTIFY_FALLBACK_TO",
            "office@practice.example, not-an-address",
        ),
        ("PUBLIC_BASE_URL", "api.practice.example"),
        ("FOLLOW_UP_KEY", "too-short"),
        ("REPLY_TRACKING_DOMAIN", "not a domain"),
        ("PRACTICE_PHONE", "call us"),
        ("PRACTICE_PHONE", "12"),
        ("PRACTICE_CONTACT_EMAIL", "front desk"),
        ("REPLY_TRACKING_DOMAIN", "localhost"),
        ("CLIENT_HASH_KEY_ARN", "client-hash-key"),
    ];
    for (name, value) in cases {
        let err = Config::from_vars(&with(&[(name, value)])).unwrap_err();
        assert_eq!(err.variable(), *name, "{name}={value:?} gave {err}");
        assert!(
            err.to_string().starts_with(name),
            "message must name the variable: {err}"
        );
    }
}

#[test]
fn optional_variables_are_read() {
    let config = Config::from_vars(&with(&[
        ("THANK_YOU_URL", "https://www.practice.example/thank-you"),
        ("PRACTICE_TIMEZONE", "America/New_York"),
        ("RETENTION_DAYS", "90"),
        ("NOTIFY_INCLUDE_MESSAGE", "false"),
        ("PHONE_DEFAULT_REGION", "gb"),
        ("RATE_LIMIT_PER_HOUR", "20"),
        ("TURNSTILE_SECRET_KEY", "0x4AAA-secret"),
        ("TURNSTILE_VERIFY_URL", "http://127.0.0.1:9999/siteverify"),
        ("SES_CONFIGURATION_SET", "consultations"),
        ("CLIENT_HASH_KEY", "0123456789abcdef0123456789abcdef"),
        ("CONSENT_VERSION", "2026-11"),
        ("SEND_ACKNOWLEDGEMENT", "true"),
        ("URGENT_PHRASES", "crisis, give up"),
    ]))
    .unwrap();
    assert_eq!(
        config.thank_you_url.as_deref(),
        Some("https://www.practice.example/thank-you")
    );
    assert_eq!(config.practice_timezone, chrono_tz::America::New_York);
    assert_eq!(config.retention_days.get(), 90);
    assert!(!config.notify_include_message);
    assert_eq!(config.phone_default_region, "GB".parse().unwrap());
    assert_eq!(config.rate_limit_per_hour.get(), 20);
    let turnstile = config.turnstile.unwrap();
    assert_eq!(turnstile.secret.expose(), "0x4AAA-secret");
    assert_eq!(turnstile.verify_url, "http://127.0.0.1:9999/siteverify");
    assert_eq!(
        config.ses_configuration_set.as_deref(),
        Some("consultations")
    );
    assert!(!config.client_hash_key.generated);
    assert_eq!(config.consent_version, "2026-11");
    assert!(config.send_acknowledgement);
    assert!(config.urgent_phrases.matches("I want to give up"));
    assert!(!format!("{:?}", config.client_hash_key).contains("0123"));
}

#[test]
fn turnstile_defaults_to_cloudflare() {
    let config = Config::from_vars(&with(&[("TURNSTILE_SECRET_KEY", "secret")])).unwrap();
    assert_eq!(
        config.turnstile.unwrap().verify_url,
        "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    );
}

#[test]
fn every_variable_read_is_declared_and_every_declared_one_is_read() {
    let vars = minimal();
    let lookup = |name: &str| vars.get(name).cloned();
    let env = Env::new(&lookup);
    Config::read(&env).unwrap();
    let mut read = env.asked.into_inner();
    read.sort_unstable();
    read.dedup();
    let mut declared: Vec<&str> = VARIABLES.iter().map(|v| v.name()).collect();
    declared.sort_unstable();
    assert_eq!(read, declared);
}

#[test]
fn required_variables_have_no_default() {
    for variable in VARIABLES {
        let required = EXAMPLE_REQUIRED
            .iter()
            .any(|(name, _)| *name == variable.name());
        assert_eq!(
            variable.need() == vars::Need::Required,
            required,
            "{}",
            variable.name()
        );
    }
}
