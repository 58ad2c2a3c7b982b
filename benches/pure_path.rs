//! The pure path of one request: read the body, validate every field, render the staff email.
//! `cargo bench --bench pure_path` (or `make bench`).

use consultation_form::catalogues::{Catalogues, Language};
use consultation_form::delivery::EmailSettings;
use consultation_form::domain::{ReceivedRequest, SubmissionRules};
use consultation_form::intake::{Intake, read_body, read_submission};
use consultation_form::notify::{StaffEmailKind, render};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

const BODY: &str = r#"{"name":"Ana Lima","email":"Ana.Lima@Example.COM","phone":"(415) 555-2671",
"preferred_contact":"text","best_time":"Weekday evenings","session_format":"telehealth",
"message":"I've been anxious at work and would like to talk to someone about it.","consent":true}"#;

fn pure_path(c: &mut Criterion) {
    let settings = EmailSettings {
        timezone: chrono_tz::America::New_York,
        include_message: true,
        follow_up_key: None,
        reply_tracking_domain: None,
        default_language: Language::English,
        catalogues: Arc::new(Catalogues::load().expect("the catalogues parse")),
        content: consultation_form::config::StaffEmailContent::Full,
        console_requests: None,
    };
    c.bench_function("parse, validate and render one request", |b| {
        b.iter(|| {
            let body = read_body(Intake {
                undecodable_body: false,
                content_type: Some("application/json"),
                idempotency_header: None,
                body: black_box(BODY.as_bytes()),
            })
            .expect("the sample reads");
            let parsed =
                read_submission(&body, SubmissionRules::default()).expect("the sample is valid");
            let at = chrono::Utc::now();
            let received = ReceivedRequest::example(parsed.request, at);
            let email = settings.staff_email(&received, StaffEmailKind::Notification, at);
            black_box(render(&email).expect("renders"))
        })
    });
}

/// What the catalogues add to every cold start: parsing both languages' files into bundles.
fn catalogues(c: &mut Criterion) {
    c.bench_function("load the catalogues (cold start)", |b| {
        b.iter(|| black_box(Catalogues::load().expect("the catalogues parse")))
    });
}

criterion_group!(benches, pure_path, catalogues);
criterion_main!(benches);
