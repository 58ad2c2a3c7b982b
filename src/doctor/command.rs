//! `consultation-admin doctor` as the command line runs it: who gets the stack's email (every
//! address is checked against the sandbox), the checks, and with `--send-test` the test
//! notification's line.

use super::{CheckLine, Doctor, Verdict, exit_status, send_test};
use crate::app::App;
use crate::config::vars;
use crate::stack::StackSettings;

/// `doctor`: every check's line, then (with `--send-test`) the test notification's.
pub async fn from_command_line(
    app: &App,
    sdk: &aws_config::SdkConfig,
    stack: &StackSettings,
    lookup: &dyn Fn(&str) -> Option<String>,
    with_test: bool,
    wait: u64,
) -> u8 {
    let config = app.config();
    let heartbeat_to = lookup(vars::HEARTBEAT_TO.name).unwrap_or_default();
    let mut addresses: Vec<String> = config
        .notify_to
        .iter()
        .chain(&config.escalate_to)
        .chain(&config.notify_fallback_to)
        .map(|a| a.as_str().to_owned())
        .chain(
            heartbeat_to
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
        )
        .collect();
    // The clinicians' own addresses get their requests: checked like the staff's. Unreadable,
    // the console's own check says why.
    if let Some(routing) = app.routing()
        && let Ok(clinicians) = routing.clinicians().await
    {
        addresses.extend(clinicians.iter().map(|m| m.email.as_str().to_owned()));
    }
    addresses.sort();
    addresses.dedup();
    let checks = Doctor {
        config,
        stack,
        store: app.store(),
        addresses,
        heartbeat_on: !heartbeat_to.trim().is_empty(),
        sesv2: aws_sdk_sesv2::Client::new(sdk),
        ses: aws_sdk_ses::Client::new(sdk),
        sns: aws_sdk_sns::Client::new(sdk),
        scheduler: aws_sdk_scheduler::Client::new(sdk),
        secrets: aws_sdk_secretsmanager::Client::new(sdk),
        dynamodb: aws_sdk_dynamodb::Client::new(sdk),
        acm: aws_sdk_acm::Client::new(sdk),
        dns_server: lookup("DNS_SERVER"),
    };
    let mut lines = checks.run(app.now()).await;
    if with_test {
        let verdict = match send_test(
            app.store(),
            app.now(),
            std::time::Duration::from_secs(wait),
            std::time::Duration::from_secs(2),
        )
        .await
        {
            Ok((id, at)) => Verdict::Pass(format!("test {id} delivered at {}", at.to_rfc3339())),
            Err(error) => Verdict::Fail {
                found: error.to_string(),
                fix: "fix what the lines above say, then run doctor --send-test again".to_owned(),
            },
        };
        lines.push(CheckLine {
            name: "Test notification",
            verdict,
        });
    }
    for line in &lines {
        println!("{line}");
    }
    exit_status(&lines)
}
