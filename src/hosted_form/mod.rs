//! The hosted form: the drop-in form as a whole page served by the function
//! (`GET /consultations/form`), so a practice whose site builder cannot host files pastes one
//! snippet. The same template, in the same words from the catalogues, also writes the drop-in
//! files in `web/` (`make web-forms`; a test fails when they are out of date).

mod questions;
#[cfg(test)]
mod tests;
mod texts;

pub use questions::{QuestionView, question_views};
pub use texts::FormTexts;

use crate::catalogues::{Catalogues, Rendering, Texts, field_message};
use crate::config::AllowedOrigins;
use crate::domain::{Field, FieldErrors, FieldInput, Language, SubmittedForm};
use crate::questions::{compiled, shipped};
use askama::Template;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The drop-in form's style and script, inlined into the hosted page (and hashed in its CSP).
pub const FORM_CSS: &str = include_str!("../../web/form.css");
pub const FORM_JS: &str = include_str!("../../web/form.js");
/// The one script a practice may paste instead of the iframe: it inserts and sizes the frame.
const EMBED_JS: &str = include_str!("../../web/embed.js");
/// What `embed.js` reads its frame titles from; replaced with each language's title.
const EMBED_TITLES: &str = "/*FRAME_TITLES*/{}";
/// The hosted page's own additions to the drop-in style: no margin around the form in a frame.
const HOSTED_CSS: &str = "body{margin:0;background:#fff}";

/// One line of the error summary: the field it links to and the message beside it.
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// What the person typed, shown again after errors (escaped by the template).
#[derive(Debug, Default)]
pub struct Typed(HashMap<String, String>);

impl Typed {
    /// The submitted fields the form shows, never the honeypot or the token. The values of a
    /// question that takes several are kept one per line.
    pub fn of_form(form: &SubmittedForm) -> Self {
        let typed = form
            .iter()
            .filter(|(f, _)| !matches!(f, Field::Website | Field::TurnstileToken))
            .filter_map(|(field, input)| match input {
                FieldInput::Text(value) => Some((field.as_str().to_owned(), value.clone())),
                FieldInput::List(values) => Some((field.as_str().to_owned(), values.join("\n"))),
                _ => None,
            })
            .collect();
        Self(typed)
    }
}

/// Where the page is shown, which decides its links and what is inlined.
pub enum Mode<'a> {
    /// Served by the function; `up` is the relative path from the page to `/consultations/`.
    Hosted {
        up: &'a str,
        /// Turnstile is on: a post without a token is held for review, so the script sends one
        /// as a plain post.
        captcha_required: bool,
        /// The widget's site key and script, when one is configured.
        turnstile: Option<(&'a str, &'a str)>,
    },
    /// A file in `web/`: `asset_base` leads to form.css and form.js, `switch` to the other
    /// language's file.
    DropIn {
        action: &'a str,
        asset_base: &'a str,
        switch: &'a str,
        practice_phone: &'a str,
        practice_email: &'a str,
    },
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    lang: &'static str,
    t: FormTexts,
    hosted: bool,
    action: String,
    asset_base: String,
    switch_href: String,
    switch_lang: &'static str,
    inline_css: Option<String>,
    inline_js: Option<&'static str>,
    practice_phone: String,
    practice_email: String,
    turnstile_site_key: Option<String>,
    turnstile_script: String,
    captcha_required: bool,
    problems: Vec<Problem>,
    errors: HashMap<&'static str, String>,
    typed: Typed,
    questions: Vec<QuestionView>,
}

impl FormPage {
    pub fn new(catalogues: &Catalogues, language: Language, mode: Mode<'_>) -> Self {
        let texts = Texts::new(catalogues, language);
        let other = Language::ALL
            .into_iter()
            .find(|l| *l != language)
            .unwrap_or(language);
        let mut page = Self {
            questions: question_views(
                match mode {
                    Mode::Hosted { .. } => compiled(),
                    Mode::DropIn { .. } => shipped(),
                },
                texts,
            ),
            lang: language.tag(),
            t: FormTexts::new(texts),
            hosted: false,
            action: String::new(),
            asset_base: String::new(),
            switch_href: String::new(),
            switch_lang: other.tag(),
            inline_css: None,
            inline_js: None,
            practice_phone: String::new(),
            practice_email: String::new(),
            turnstile_site_key: None,
            turnstile_script: String::new(),
            captcha_required: false,
            problems: Vec::new(),
            errors: HashMap::new(),
            typed: Typed::default(),
        };
        match mode {
            Mode::Hosted {
                up,
                captcha_required,
                turnstile,
            } => {
                page.hosted = true;
                page.captcha_required = captcha_required;
                page.action = format!("{up}../consultations");
                page.switch_href = format!("{up}form?lang={}", other.tag());
                page.inline_css = Some(hosted_css());
                page.inline_js = Some(FORM_JS);
                if let Some((site_key, script)) = turnstile {
                    page.turnstile_site_key = Some(site_key.to_owned());
                    page.turnstile_script = script.to_owned();
                }
            }
            Mode::DropIn {
                action,
                asset_base,
                switch,
                practice_phone,
                practice_email,
            } => {
                page.action = action.to_owned();
                page.asset_base = asset_base.to_owned();
                page.switch_href = switch.to_owned();
                page.practice_phone = practice_phone.to_owned();
                page.practice_email = practice_email.to_owned();
            }
        }
        page
    }

    /// The way out the script shows when sending fails.
    pub fn with_practice_contact(mut self, phone: Option<&str>, email: Option<&str>) -> Self {
        self.practice_phone = phone.unwrap_or_default().to_owned();
        self.practice_email = email.unwrap_or_default().to_owned();
        self
    }

    /// The form again after field errors: what was typed, the summary and each message.
    pub fn with_errors(
        mut self,
        catalogues: &Catalogues,
        language: Language,
        fields: &FieldErrors,
        typed: Typed,
    ) -> Self {
        for (field, error) in fields.iter() {
            let message = field_message(catalogues, language, field, error, Rendering::Html);
            self.problems.push(Problem {
                field: field.as_str(),
                message: message.clone(),
            });
            self.errors.insert(field.as_str(), message);
        }
        self.typed = typed;
        self
    }

    fn value(&self, name: &str) -> &str {
        self.typed.0.get(name).map_or("", String::as_str)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    fn has_error(&self, name: &str) -> bool {
        self.errors.contains_key(name)
    }

    fn chosen(&self, name: &str, option: &str) -> bool {
        match self.typed.0.get(name) {
            Some(value) => value.split('\n').any(|v| v.trim() == option),
            None => name == "preferred_contact" && option == "email",
        }
    }

    fn consented(&self) -> bool {
        self.typed.0.contains_key("consent")
    }
}

fn hosted_css() -> String {
    format!("{FORM_CSS}{HOSTED_CSS}")
}

fn sha256_source(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The hosted page's policy: its own inline style and script by hash, posts to its own origin,
/// Turnstile's widget when on, and framed only by the practice's pages.
pub struct HostedPolicy {
    style: String,
    script: String,
}

impl Default for HostedPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl HostedPolicy {
    /// Hashes the inlined style and script once per cold start.
    pub fn new() -> Self {
        Self {
            style: sha256_source(&hosted_css()),
            script: sha256_source(FORM_JS),
        }
    }

    pub fn content_security_policy(
        &self,
        allowed: &AllowedOrigins,
        turnstile_origin: Option<&str>,
    ) -> String {
        let ancestors: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
        let (script_extra, frame_src) = match turnstile_origin {
            Some(origin) => (format!(" {origin}"), format!("; frame-src {origin}")),
            None => (String::new(), String::new()),
        };
        format!(
            "default-src 'none'; style-src {}; script-src {}{script_extra}; connect-src 'self'; form-action 'self'; base-uri 'none'{frame_src}; frame-ancestors {}",
            self.style,
            self.script,
            ancestors.join(" ")
        )
    }
}

/// `embed.js`, with the frame's title in every language (a screen reader announces it).
pub fn embed_script(catalogues: &Catalogues) -> String {
    let titles: serde_json::Map<String, serde_json::Value> = Language::ALL
        .into_iter()
        .map(|language| {
            let title = catalogues.plain(language, "form-frame-title");
            (language.tag().to_owned(), serde_json::Value::String(title))
        })
        .collect();
    EMBED_JS.replace(EMBED_TITLES, &serde_json::Value::Object(titles).to_string())
}
