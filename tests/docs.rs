//! The docs stay true to the code: every variable a document names in code is one the
//! configuration declares (or one of the few others it may name, each used somewhere in the
//! project), every `make` target exists, every relative link and every path in code points at a
//! file, and every alarm named is one the template has.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Names a document may show in code that are not the function's variables: AWS's, the local
/// scripts' and the tests', each found in the project's own files (so this list cannot rot).
const OTHER_NAMES: [&str; 16] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_CA_BUNDLE",
    "AWS_ENDPOINT_URL",
    "AWS_MAX_ATTEMPTS",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "CAPABILITY_IAM",
    // Cargo's own: full debug info for a debugger (Cargo.toml).
    "CARGO_PROFILE_DEV_DEBUG",
    "CREATE_COMPLETE",
    // The operator tool's own: which DNS server doctor asks.
    "DNS_SERVER",
    "LAMBDA_PORT",
    "MOTO_PORT",
    "PROPTEST_CASES",
    "RUST_LOG",
    "TLS_1_2",
    "UPDATE_SCREENSHOTS",
];

/// Paths the docs give as examples of something a reader makes.
const EXAMPLE_PATHS: [&str; 1] = ["locales/pt/"];

fn documents() -> Vec<PathBuf> {
    let mut all = vec![Path::new(ROOT).join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    all.extend(docs);
    all
}

/// Each inline code span (one line, between single backticks) of a document.
fn code_spans(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("```"))
        .flat_map(|line| line.split('`').skip(1).step_by(2))
        .filter(|span| !span.is_empty())
        .collect()
}

/// Each relative link target of a document (`](target)`), without its anchor.
fn relative_links(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let end = rest.find(')')?;
            Some(&rest[..end])
        })
        .filter(|link| !link.contains("://") && !link.starts_with("mailto:"))
        .map(|link| link.split('#').next().unwrap_or_default())
        .filter(|path| !path.is_empty() && !path.contains(' '))
        .collect()
}

fn is_variable_name(word: &str) -> bool {
    word.contains('_')
        && word.starts_with(|c: char| c.is_ascii_uppercase())
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !word.ends_with('_')
}

fn declared_variables() -> BTreeSet<String> {
    consultation_form::config::VARIABLES
        .iter()
        .map(|v| v.name().to_owned())
        .collect()
}

fn project_text() -> String {
    let mut text = String::new();
    for file in ["Cargo.toml", "Makefile", "infra/template.yaml", "local.env"] {
        text += &std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
    }
    for folder in ["scripts", "src", "tests", "bench"] {
        let mut stack = vec![Path::new(ROOT).join(folder)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() && !path.ends_with("node_modules") {
                    stack.push(path);
                } else if let Ok(file) = std::fs::read_to_string(&path) {
                    text += &file;
                }
            }
        }
    }
    text
}

/// What the checks found wrong in the documents, one line each.
fn problems() -> Vec<String> {
    let declared = declared_variables();
    let makefile = std::fs::read_to_string(Path::new(ROOT).join("Makefile")).unwrap();
    let targets: BTreeSet<&str> = makefile
        .lines()
        .filter_map(|line| line.split_once(':').map(|(target, _)| target))
        .filter(|target| !target.is_empty() && !target.contains([' ', '\t', '$', '.']))
        .collect();
    let template = std::fs::read_to_string(Path::new(ROOT).join("infra/template.yaml")).unwrap();
    let alarm_resources: BTreeSet<&str> = template
        .lines()
        .filter_map(|line| line.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|name| name.ends_with("Alarm") && !name.starts_with(' '))
        .collect();
    let mut found = Vec::new();
    for document in documents() {
        let text = std::fs::read_to_string(&document).unwrap();
        let name = document.strip_prefix(ROOT).unwrap().display().to_string();
        let folder = document.parent().unwrap();
        for link in relative_links(&text) {
            if !folder.join(link).exists() {
                found.push(format!("{name}: the link {link} points at nothing"));
            }
        }
        for span in code_spans(&text) {
            let word = span.split('=').next().unwrap_or_default().trim();
            if is_variable_name(word) && !declared.contains(word) && !OTHER_NAMES.contains(&word) {
                found.push(format!(
                    "{name}: {word} is no variable the configuration declares"
                ));
            }
            if let Some(target) = span.strip_prefix("make ") {
                let target = target.split_whitespace().next().unwrap_or_default();
                if !targets.contains(target) {
                    found.push(format!(
                        "{name}: `make {target}`: the Makefile has no such target"
                    ));
                }
            }
            if span.ends_with("Alarm")
                && span.chars().all(|c| c.is_ascii_alphanumeric())
                && span.starts_with(|c: char| c.is_ascii_uppercase())
                && !alarm_resources.contains(span)
            {
                found.push(format!("{name}: the template has no alarm {span}"));
            }
            let is_path = [
                "src/",
                "tests/",
                "scripts/",
                "infra/",
                "events/",
                "docs/",
                "locales/",
                "templates/",
                "web/",
                "bench/",
                "benches/",
            ]
            .iter()
            .any(|top| span.starts_with(top));
            let pattern = span.contains(['*', '<', '>', '…', '{', ' ']);
            if is_path
                && !pattern
                && !EXAMPLE_PATHS.contains(&span)
                && !Path::new(ROOT).join(span).exists()
                && !folder.join(span).exists()
            {
                found.push(format!("{name}: the path {span} does not exist"));
            }
        }
    }
    found
}

#[test]
fn every_variable_target_path_link_and_alarm_the_docs_name_exists() {
    let found = problems();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_other_names_the_docs_may_use_are_each_used_in_the_project() {
    let text = project_text();
    for name in OTHER_NAMES {
        assert!(
            text.contains(name),
            "{name} is used nowhere: drop it from OTHER_NAMES"
        );
    }
    for name in OTHER_NAMES {
        assert!(
            !declared_variables().contains(name),
            "{name} is declared: it needs no exception"
        );
    }
}

#[test]
fn the_checks_fail_on_a_name_the_configuration_does_not_declare() {
    // A document naming a variable that is not declared is caught, as are the other kinds.
    let text = "Set `NOTIFY_TO` and `NOTIFY_NOWHERE=1`; run `make nothing-here`; see \
                `src/no_such_file.rs`, [a page](no-such-page.md) and `NoSuchAlarm`.";
    let spans = code_spans(text);
    let declared = declared_variables();
    let undeclared: Vec<&str> = spans
        .iter()
        .map(|s| s.split('=').next().unwrap())
        .filter(|w| is_variable_name(w) && !declared.contains(*w))
        .collect();
    assert_eq!(undeclared, ["NOTIFY_NOWHERE"]);
    assert!(spans.contains(&"make nothing-here"));
    assert_eq!(relative_links(text), ["no-such-page.md"]);
    assert!(spans.contains(&"NoSuchAlarm"));
}
