//! `make deploy`'s questions (`scripts/deploy_answers.py`): the handful asked with what each is
//! for, each answer checked by the template's rule before anything is deployed, the answers kept,
//! and a second deploy saying what changes.

use std::io::Write;
use std::process::{Command, Stdio};

fn ask(answers: &std::path::Path, typed: &str, set: &[&str]) -> (bool, String, String) {
    let python = std::env::var("CONSULTATION_PYTHON").unwrap_or_else(|_| ".venv/bin/python".into());
    let mut command = Command::new(python);
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scripts/deploy_answers.py", "ask", "--answers"])
        .arg(answers);
    if !set.is_empty() {
        command.arg("--set").args(set);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run deploy_answers.py");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(typed.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn make_deploy_asks_what_matters_checks_it_keeps_it_and_says_what_changes() {
    let dir = std::env::temp_dir().join(format!("deploy-{}", crate::helpers::unique()));
    let answers = dir.join("answers.json");
    // A bad origin, an empty required address and a misspelt zone are each asked again.
    let typed = "https://www.example-therapy.com/form\nhttps://www.example-therapy.com\n\
                 forms@example-therapy.com\nfrontdesk@example-therapy.com\n\n\nops@example-therapy.com\n\
                 America/Chicgo\nAmerica/Chicago\n(312) 555-0100\n";
    let (ok, said, asked) = ask(&answers, typed, &[]);
    assert!(ok, "{asked}");
    for name in [
        "AllowedOrigins",
        "NotifyFrom",
        "NotifyTo",
        "SenderDomain",
        "AlarmEmail",
        "PracticeTimezone",
        "PracticePhone",
    ] {
        assert!(
            asked.lines().any(|l| l.starts_with(&format!("{name}: "))),
            "{name}: {asked}"
        );
    }
    assert!(asked.contains("  AllowedOrigins: exact origins"), "{asked}");
    assert!(asked.contains("  AlarmEmail: required"), "{asked}");
    assert!(
        asked.contains("  PracticeTimezone: not an IANA time zone name"),
        "{asked}"
    );
    assert!(said.contains("first deploy"), "{said}");
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&answers).unwrap()).unwrap();
    assert_eq!(kept["PracticeTimezone"], "America/Chicago");
    assert_eq!(kept["SenderDomain"], "");

    // Again: Enter keeps each; one new value and one other parameter, and it says so.
    let (ok, said, _) = ask(
        &answers,
        "\n\n\n\n\nAmerica/New_York\n\n",
        &["RetentionDays=180"],
    );
    assert!(ok);
    assert!(
        said.contains("PracticeTimezone: America/Chicago -> America/New_York"),
        "{said}"
    );
    assert!(said.contains("RetentionDays: (default) -> 180"), "{said}");
    let (ok, said, _) = ask(&answers, "\n\n\n\n\n\n\n", &[]);
    assert!(ok && said.contains("nothing changes"), "{said}");
    let (ok, _, refused) = ask(&answers, "\n\n\n\n\n\n\n", &["NoSuchParameter=1"]);
    assert!(
        !ok && refused.contains("no parameter NoSuchParameter"),
        "{refused}"
    );
    let (ok, _, refused) = ask(&answers, "\n\n\n\n\n\n\n", &["RetentionDays=forever"]);
    assert!(!ok && refused.contains("RetentionDays"), "{refused}");
    std::fs::remove_dir_all(dir).unwrap();
}
