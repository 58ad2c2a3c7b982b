//! The heartbeat and the quiet form, end to end: the scheduled run posts its probe over HTTP to
//! a public URL (here an HTTP front on the function's own handler, as API Gateway is), the probe
//! is answered by an email to HEARTBEAT_TO and by nothing else, SES's delivery event (a
//! stand-in of EventBridge's) records it, and a probe whose event never comes raises the alarm's
//! event an hour later (times in the tests' practice time zone, New York). A replayed or altered
//! header is refused (`403`), never taken for an ordinary request.

use crate::helpers::{
    CapturedLogs, RequestSpec, TestApp, TestResponse, answer, send_email_requests_to, serve, unique,
};
use crate::reminders::{ny, set_clock};
use consultation_form::deadline::Deadline;
use consultation_form::heartbeat::{HEADER, sign};
use consultation_form::scheduled_run;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// The heartbeat header and body of each probe the public URL saw.
type SeenProbes = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

const KEY: &str = "heartbeat-key-for-the-tests-0123456789abcdef";

/// The public URL: every request becomes an API Gateway event for the function's handler.
/// Remembers the heartbeat header of each probe it saw.
async fn public_url(test: &TestApp) -> (String, SeenProbes) {
    let app = test.app.clone();
    let seen: SeenProbes = Arc::default();
    let recorded = seen.clone();
    let url = serve(move |parts, body| {
        let (app, recorded) = (app.clone(), recorded.clone());
        async move {
            let spec = RequestSpec::received(&parts, &body);
            if let Some(header) = parts.headers.get(HEADER) {
                let header = header.to_str().unwrap().to_owned();
                recorded.lock().unwrap().push((header, body.to_vec()));
            }
            let request =
                consultation_form::http::envelope::request_from_event(&spec.event_json()).unwrap();
            let response = TestResponse::from(consultation_form::http::handle(&app, request).await);
            answer(response.status, None, response.body)
        }
    })
    .await;
    (format!("{url}/consultations"), seen)
}

fn delivered(probe_id: &str, to: &str) -> Value {
    json!({
        "source": "aws.ses",
        "detail-type": "Email Delivered",
        "detail": {"mail": {
            "destination": [to],
            "tags": {"submission_id": [probe_id], "email_kind": ["heartbeat"]}
        }}
    })
}

async fn heartbeat_app(extra: &[(&str, &str)]) -> (TestApp, String) {
    let to = format!("heartbeat-{}@practice.test", unique());
    let mut vars = vec![("HEARTBEAT_KEY", KEY), ("HEARTBEAT_TO", to.as_str())];
    vars.extend_from_slice(extra);
    let test = TestApp::spawn_with(&vars).await;
    (test, to)
}

#[tokio::test]
async fn the_daily_probe_crosses_the_chain_reaches_only_heartbeat_to_and_is_recorded_delivered() {
    let (test, to) = heartbeat_app(&[]).await;
    let (url, seen) = public_url(&test).await;
    set_clock(&test, ny("2026-12-01 07:30"));
    let run = || scheduled_run::run(&test.app, Some(&url), Deadline::unknown());

    let early = run().await;
    assert!(
        early["daily_checks"]["probe_sent"].is_null(),
        "not before 08:00: {early}"
    );
    set_clock(&test, ny("2026-12-01 08:05"));
    let report = run().await;
    let probe = report["daily_checks"]["probe_sent"]
        .as_str()
        .expect("a probe")
        .to_owned();
    assert_eq!(
        run().await["daily_checks"]["probe_sent"],
        Value::Null,
        "once a day"
    );

    let emails = send_email_requests_to(&to).await;
    assert_eq!(emails.len(), 1, "one email to HEARTBEAT_TO");
    assert_eq!(
        emails[0]["Content"]["Simple"]["Subject"]["Data"],
        "Heartbeat: the consultation form works"
    );
    let tags: Vec<String> = emails[0]["EmailTags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}={}",
                t["Name"].as_str().unwrap(),
                t["Value"].as_str().unwrap()
            )
        })
        .collect();
    assert!(tags.contains(&format!("submission_id={probe}")), "{tags:?}");
    assert!(tags.contains(&"email_kind=heartbeat".to_owned()));
    assert_eq!(
        test.items().await.len(),
        0,
        "never stored as a request: never counted, listed or reminded"
    );
    assert!(
        test.send_email_requests().await.is_empty(),
        "never sent to staff"
    );

    let recorded = test
        .app
        .delivery()
        .record_ses_event(serde_json::from_value(delivered(&probe, &to)).unwrap())
        .await
        .unwrap();
    assert_eq!(recorded.outcome, "heartbeat_delivered");
    test.clock.advance(chrono::Duration::hours(2));
    let later = run().await;
    assert_eq!(
        later["daily_checks"]["probe_missing"], false,
        "delivered: no alarm"
    );

    // The same header again: refused, never taken for an ordinary request (staff must never get
    // a request from the heartbeat).
    let (header, body) = seen.lock().unwrap()[0].clone();
    let replay =
        RequestSpec::post_json(&serde_json::from_slice(&body).unwrap()).header(HEADER, &header);
    let answer = test.send(replay).await;
    assert_eq!(answer.status, 403, "a replayed header buys nothing");
    assert_eq!(answer.json()["error"], "heartbeat_refused");
    assert_eq!(test.items().await.len(), 0);
}

#[tokio::test]
async fn a_probe_whose_delivery_event_never_comes_raises_the_alarm_event_once() {
    let (test, _to) = heartbeat_app(&[]).await;
    let (url, _) = public_url(&test).await;
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber("warn"));
    set_clock(&test, ny("2026-12-01 09:00"));
    let run = || scheduled_run::run(&test.app, Some(&url), Deadline::unknown());
    assert!(run().await["daily_checks"]["probe_sent"].is_string());
    test.clock.advance(chrono::Duration::minutes(59));
    assert_eq!(
        run().await["daily_checks"]["probe_missing"],
        false,
        "within the hour"
    );
    test.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(run().await["daily_checks"]["probe_missing"], true);
    assert_eq!(
        run().await["daily_checks"]["probe_missing"],
        false,
        "logged once"
    );
    let missing: Vec<Value> = logs
        .lines()
        .into_iter()
        .filter(|l| l["event"] == "heartbeat_missing")
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");

    // A public URL that does not answer is missing at once.
    let (test, _) = heartbeat_app(&[]).await;
    set_clock(&test, ny("2026-12-01 09:00"));
    let report = scheduled_run::run(
        &test.app,
        Some("http://127.0.0.1:9/consultations"),
        Deadline::unknown(),
    )
    .await;
    assert_eq!(report["daily_checks"]["probe_missing"], true, "{report}");
}

#[tokio::test]
async fn an_altered_header_is_refused_and_nothing_is_stored() {
    let (test, _) = heartbeat_app(&[]).await;
    let now = test.app.now();
    let key = consultation_form::signing::HeartbeatKey::new(KEY.as_bytes().to_vec(), None);
    let body = json!({"name": "Heartbeat", "email": "x@practice.test", "consent": true});
    let id = consultation_form::domain::SubmissionId::new(now);
    let header = sign(&key, id, now, body.to_string().as_bytes());
    let mut other = body.clone();
    other["name"] = json!("Someone else");
    let altered = RequestSpec::post_json(&other).header(HEADER, &header);
    let answer = test.send(altered).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.json()["error"], "heartbeat_refused");
    test.assert_nothing_kept().await;
    // With no heartbeat key to check it with, the header is refused all the same.
    let off = TestApp::spawn().await;
    let answer = off
        .send(RequestSpec::post_json(&body).header(HEADER, &header))
        .await;
    assert_eq!(answer.status, 403);
    off.assert_nothing_kept().await;
}

#[tokio::test]
async fn no_real_request_for_quiet_days_logs_the_quiet_form_event_once_a_day() {
    let test = TestApp::spawn_with(&[("QUIET_DAYS", "14")]).await;
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber("warn"));
    set_clock(&test, ny("2026-12-01 09:00"));
    let run = || scheduled_run::run(&test.app, None, Deadline::unknown());
    assert!(
        run().await["daily_checks"]["quiet_for_days"].is_null(),
        "a new stack starts its clock"
    );
    test.post_json(&crate::helpers::full_submission()).await;
    test.clock.advance(chrono::Duration::days(13));
    assert!(
        run().await["daily_checks"]["quiet_for_days"].is_null(),
        "13 days"
    );
    test.clock.advance(chrono::Duration::days(1));
    assert_eq!(run().await["daily_checks"]["quiet_for_days"], 14);
    assert!(
        run().await["daily_checks"]["quiet_for_days"].is_null(),
        "once a day"
    );
    let quiet: Vec<Value> = logs
        .lines()
        .into_iter()
        .filter(|l| l["event"] == "form_quiet")
        .collect();
    assert_eq!(quiet.len(), 1);
    // A request held as spam is not a real one: the clock does not restart.
    let mut spam = crate::helpers::full_submission();
    spam["website"] = json!("http://spam.example");
    test.post_json(&spam).await;
    test.clock.advance(chrono::Duration::days(1));
    assert_eq!(run().await["daily_checks"]["quiet_for_days"], 15);
    let off = TestApp::spawn_with(&[("QUIET_DAYS", "0")]).await;
    set_clock(&off, ny("2027-01-01 09:00"));
    let report = scheduled_run::run(&off.app, None, Deadline::unknown()).await;
    assert!(report["daily_checks"]["quiet_for_days"].is_null());
}
