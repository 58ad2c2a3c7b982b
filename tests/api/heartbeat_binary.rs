//! The heartbeat through the binary: the scheduled run of one function process posts its probe to
//! a public URL served by another (as API Gateway hands a request to another instance); the probe
//! is kept as a probe, reaches HEARTBEAT_TO and nothing else; a process whose clock is an hour on
//! (libfaketime) reports it missing without SES's delivery event, and not with it.

use crate::clock_moved::MovedClock;
use crate::helpers::{RequestSpec, TestApp, answer, send_email_requests_to, serve, unique};
use crate::runtime_api::{RuntimeApi, body_of, test_env};
use chrono::Duration;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const KEY: &str = "heartbeat-key-for-the-binary-tests-0123456789";

/// A time zone where it is daytime now, so the day's probe goes out without moving the clock.
fn daytime_zone() -> &'static str {
    use chrono::Timelike;
    let zones = [
        ("UTC", chrono_tz::UTC),
        ("Asia/Tokyo", chrono_tz::Asia::Tokyo),
        ("Europe/Berlin", chrono_tz::Europe::Berlin),
        ("America/New_York", chrono_tz::America::New_York),
        ("America/Los_Angeles", chrono_tz::America::Los_Angeles),
        ("Pacific/Auckland", chrono_tz::Pacific::Auckland),
        ("Asia/Kolkata", chrono_tz::Asia::Kolkata),
    ];
    let now = chrono::Utc::now();
    zones
        .iter()
        .find(|(_, zone)| (9..20).contains(&now.with_timezone(zone).hour()))
        .map_or("UTC", |(name, _)| name)
}

/// The public URL: an HTTP front handing each request, as an API Gateway event, to `runtime`'s
/// function process.
async fn public_url(runtime: Arc<RuntimeApi>) -> String {
    let url = serve(move |parts, body| {
        let runtime = runtime.clone();
        async move {
            let spec = RequestSpec::received(&parts, &body);
            let reply = runtime.invoke(&spec.event_json()).await;
            let status = reply["statusCode"].as_u64().unwrap_or(502) as u16;
            answer(status, None, body_of(&reply))
        }
    })
    .await;
    format!("{url}/consultations")
}

struct Chain {
    test: TestApp,
    to: String,
    vars: HashMap<String, String>,
    url: String,
    _front: tokio::process::Child,
}

async fn chain() -> Chain {
    let test = TestApp::spawn().await;
    let to = format!("heartbeat-{}@practice.test", unique());
    let vars = test_env(
        &test,
        &[
            ("HEARTBEAT_KEY", KEY),
            ("HEARTBEAT_TO", &to),
            ("PRACTICE_TIMEZONE", daytime_zone()),
        ],
    );
    let front = Arc::new(RuntimeApi::start().await);
    let front_process = front.spawn_function(&vars);
    let url = public_url(front).await;
    Chain {
        test,
        to,
        vars,
        url,
        _front: front_process,
    }
}

/// One scheduled run in a process of its own, its clock `ahead` (none: the real clock).
async fn scheduled_run(chain: &Chain, ahead: Option<&MovedClock>) -> Value {
    let mut vars = chain.vars.clone();
    if let Some(clock) = ahead {
        vars.extend(clock.vars().map(|(k, v)| (k.to_owned(), v)));
    }
    let runtime = RuntimeApi::start().await;
    let _process = runtime.spawn_function(&vars);
    runtime
        .invoke(&json!({"action": "scheduled_run", "heartbeat_url": chain.url}).to_string())
        .await
}

#[tokio::test]
async fn the_daily_run_sends_one_probe_that_reaches_only_heartbeat_to_and_misses_its_event_an_hour_later()
 {
    let chain = chain().await;
    let first = scheduled_run(&chain, None).await;
    let probe = first["daily_checks"]["probe_sent"]
        .as_str()
        .unwrap_or_else(|| panic!("a probe: {first}"))
        .to_owned();
    let again = scheduled_run(&chain, None).await;
    assert!(
        again["daily_checks"]["probe_sent"].is_null(),
        "one probe a day: {again}"
    );

    let emails = send_email_requests_to(&chain.to).await;
    assert_eq!(emails.len(), 1, "its email to HEARTBEAT_TO");
    assert!(emails[0]["EmailTags"].to_string().contains(&probe));
    assert!(
        chain.test.send_email_requests().await.is_empty(),
        "nothing reaches staff"
    );
    assert!(
        chain.test.items().await.is_empty(),
        "no request stored: never counted, listed or reminded"
    );
    let keys: Vec<String> = chain
        .test
        .all_items()
        .await
        .iter()
        .map(|item| item["pk"].as_s().unwrap().clone())
        .collect();
    assert!(
        keys.contains(&format!("heartbeat#{probe}")),
        "kept as a probe: {keys:?}"
    );

    let hour_on = MovedClock::ahead(Duration::minutes(61));
    let later = scheduled_run(&chain, Some(&hour_on)).await;
    assert_eq!(
        later["daily_checks"]["probe_missing"], true,
        "no delivery event: {later}"
    );
    let still = scheduled_run(&chain, Some(&hour_on)).await;
    assert_eq!(
        still["daily_checks"]["probe_missing"], false,
        "reported once"
    );
}

#[tokio::test]
async fn with_its_delivery_event_no_alarm() {
    let chain = chain().await;
    let first = scheduled_run(&chain, None).await;
    let probe = first["daily_checks"]["probe_sent"]
        .as_str()
        .unwrap()
        .to_owned();
    let runtime = RuntimeApi::start().await;
    let _process = runtime.spawn_function(&chain.vars);
    let event = json!({
        "source": "aws.ses", "detail-type": "Email Delivered",
        "detail": {"mail": {"destination": [chain.to], "tags": {"submission_id": [probe], "email_kind": ["heartbeat"]}}}
    });
    let recorded = runtime.invoke(&event.to_string()).await;
    assert_eq!(recorded["outcome"], "heartbeat_delivered", "{recorded}");
    let hour_on = MovedClock::ahead(Duration::minutes(61));
    let later = scheduled_run(&chain, Some(&hour_on)).await;
    assert_eq!(later["daily_checks"]["probe_missing"], false, "{later}");
}
