use super::*;

fn answer(id: &str, shown: &str, personal: bool) -> KeptAnswer {
    KeptAnswer {
        id: id.to_owned(),
        label: format!("{id}?"),
        shown: shown.to_owned(),
        values: vec![shown.to_lowercase()],
        personal,
    }
}

fn received() -> Event {
    let at = DateTime::parse_from_rfc3339("2026-12-03T16:30:00Z")
        .unwrap()
        .to_utc();
    let facts = Facts::new(
        SubmissionId::new(at),
        Some(FollowUpState::New),
        None,
        &[
            answer("state", "Illinois", false),
            answer("payment", "BCBS", false),
            answer("guardian_name", "Rosa Marker", true),
        ],
    );
    Event::new(EventType::Received, at, About::Request(facts))
}

#[test]
fn the_body_has_the_facts_and_never_a_personal_answer() {
    let event = received();
    let body: Value = serde_json::from_str(&event.body(Some("https://staff.example"))).unwrap();
    assert_eq!(body["type"], "request.received");
    assert_eq!(body["timestamp"], "2026-12-03T16:30:00.000Z");
    let reference = event.reference().unwrap().to_string();
    assert_eq!(body["data"]["reference"], reference.as_str());
    assert_eq!(body["data"]["follow_up"], "new");
    assert_eq!(body["data"]["assignee"], Value::Null);
    assert_eq!(
        body["data"]["console_url"],
        format!("https://staff.example/staff/requests/{reference}").as_str()
    );
    let answers = body["data"]["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["answer"], "Illinois");
    assert!(!body.to_string().contains("Rosa"));
    assert!(event.id.starts_with("msg_") && event.id.len() == 30);
}

#[test]
fn without_a_console_the_url_is_null_and_an_erasure_says_only_the_reference() {
    let event = received();
    let body: Value = serde_json::from_str(&event.body(None)).unwrap();
    assert_eq!(body["data"]["console_url"], Value::Null);
    let id = event.reference().unwrap();
    let erased = Event::new(EventType::Erased, event.at, About::Erased(id));
    let body: Value = serde_json::from_str(&erased.body(Some("https://s"))).unwrap();
    assert_eq!(body["data"], json!({ "reference": id.to_string() }));
}

#[test]
fn slack_gets_one_line_with_the_facts_and_the_link() {
    let event = received();
    let slack: Value = serde_json::from_str(&slack_body(&event.body(Some("https://s")))).unwrap();
    let text = slack["text"].as_str().unwrap();
    let reference = event.reference().unwrap();
    assert_eq!(
        text,
        format!(
            "New consultation request {reference} — Illinois, BCBS — \
             <https://s/staff/requests/{reference}|open in the console>"
        )
    );
    assert!(!text.contains('\n'));
}

#[test]
fn what_a_person_typed_never_leaves_whatever_its_marking() {
    let at = Utc::now();
    let typed = [
        answer("guardian_name", "Typed Words", false),
        answer("no_such_question", "Gone", false),
        answer("state", "Illinois", false),
    ];
    let facts = Facts::new(SubmissionId::new(at), None, None, &typed);
    let kept: Vec<&str> = facts.answers().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(kept, ["state"]);
}

#[test]
fn slack_markup_in_an_answer_is_escaped() {
    let at = Utc::now();
    let facts = Facts::new(
        SubmissionId::new(at),
        None,
        None,
        &[answer("payment", "<!channel> & co", false)],
    );
    let event = Event::new(EventType::Received, at, About::Request(facts));
    let slack = slack_body(&event.body(None));
    assert!(slack.contains("&lt;!channel&gt; &amp; co"), "{slack}");
}

#[test]
fn teams_gets_an_adaptive_card_with_a_button_to_the_console() {
    let event = received();
    let card: Value = serde_json::from_str(&teams_body(&event.body(Some("https://s")))).unwrap();
    let attachment = &card["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let content = &attachment["content"];
    assert_eq!(content["type"], "AdaptiveCard");
    assert!(
        content["body"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("New consultation request")
    );
    assert_eq!(content["actions"][0]["type"], "Action.OpenUrl");
}

#[test]
fn each_event_has_its_own_line() {
    let at = Utc::now();
    let id = SubmissionId::new(at);
    let facts = Facts::new(id, Some(FollowUpState::Contacted), Some("Ada".into()), &[]);
    let cases = [
        (EventType::Assigned, "assigned to Ada"),
        (EventType::FollowUpChanged, "follow-up now contacted"),
        (EventType::Overdue, "waiting for a first contact"),
    ];
    for (kind, words) in cases {
        let event = Event::new(kind, at, About::Request(facts.clone()));
        let (line, _) = chat_line(&event.body(None));
        assert!(line.contains(words), "{line}");
    }
    let test = Event::new(EventType::Test, at, About::Test);
    assert!(chat_line(&test.body(None)).0.contains("connected"));
}

/// The keys of a JSON value, all the way down (an array by its first element).
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), shape(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Null => json!("null"),
        Value::String(_) => json!("string"),
        _ => json!("other"),
    }
}

fn sample(name: &str) -> Value {
    let path = format!("{}/docs/webhooks/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn the_sample_of_each_webhook_in_the_docs_is_what_the_function_sends() {
    let at = Utc::now();
    let id = SubmissionId::new(at);
    let answers = [
        answer("state", "Illinois", false),
        answer("payment", "BCBS", false),
    ];
    let facts = |follow_up, assignee: Option<&str>| {
        About::Request(Facts::new(
            id,
            Some(follow_up),
            assignee.map(str::to_owned),
            &answers,
        ))
    };
    let cases = [
        (EventType::Received, facts(FollowUpState::New, None)),
        (EventType::Assigned, facts(FollowUpState::New, Some("Ada"))),
        (
            EventType::FollowUpChanged,
            facts(FollowUpState::Contacted, Some("Ada")),
        ),
        (EventType::Overdue, facts(FollowUpState::New, Some("Ada"))),
        (EventType::Erased, About::Erased(id)),
        (EventType::Test, About::Test),
    ];
    for (kind, about) in cases {
        let sent: Value =
            serde_json::from_str(&Event::new(kind, at, about).body(Some("https://s"))).unwrap();
        let documented = sample(kind.as_str());
        assert_eq!(documented["type"], kind.as_str());
        let expected = shape(&sent);
        assert_eq!(
            shape(&documented),
            expected,
            "docs/webhooks/{}.json",
            kind.as_str()
        );
    }
    let received = sample("request.received").to_string();
    let slack: Value = serde_json::from_str(&slack_body(&received)).unwrap();
    assert_eq!(slack, sample("slack"), "docs/webhooks/slack.json");
    let teams: Value = serde_json::from_str(&teams_body(&received)).unwrap();
    assert_eq!(teams, sample("teams"), "docs/webhooks/teams.json");
}
