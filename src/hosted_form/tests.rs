use super::*;
use crate::domain::FieldError;

const LOCAL_ACTION: &str = "http://127.0.0.1:9000/lambda-url/consultation-form/consultations";

/// The drop-in files in `web/`, as the template writes them from the catalogues, with the
/// practice's own phone and address (none in the files the project ships).
fn drop_in(
    catalogues: &Catalogues,
    language: Language,
    (phone, email): (&str, &str),
) -> (String, String) {
    let (path, asset_base, switch) = match language {
        Language::English => ("web/index.html", "", "es/index.html"),
        Language::Spanish => ("web/es/index.html", "../", "../index.html"),
    };
    let page = FormPage::new(
        catalogues,
        language,
        Mode::DropIn {
            action: LOCAL_ACTION,
            asset_base,
            switch,
            practice_phone: phone,
            practice_email: email,
        },
    );
    (path.to_owned(), page.render().unwrap())
}

/// The value of the form's attribute `name` in a written file (empty when absent).
fn attribute<'a>(html: &'a str, name: &str) -> &'a str {
    html.split_once(&format!("{name}=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(value, _)| value)
}

/// `make web-forms` runs this with `UPDATE_WEB_FORMS=1` to write the files.
#[test]
fn the_drop_in_forms_in_web_are_the_catalogues_words() {
    let catalogues = Catalogues::load().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let writing = std::env::var_os("UPDATE_WEB_FORMS").is_some();
    for language in Language::ALL {
        let (path, _) = drop_in(&catalogues, language, ("", ""));
        let file = format!("{root}/{path}");
        let before = std::fs::read_to_string(&file).unwrap_or_default();
        // Written with the practice's values when given (`make web-forms PRACTICE_PHONE=…`);
        // checked with the values the file carries, so a practice's own copy stays true too.
        let contact = if writing {
            (
                std::env::var("PRACTICE_PHONE").unwrap_or_default(),
                std::env::var("PRACTICE_CONTACT_EMAIL").unwrap_or_default(),
            )
        } else {
            (
                attribute(&before, "data-practice-phone").to_owned(),
                attribute(&before, "data-practice-email").to_owned(),
            )
        };
        let (_, rendered) = drop_in(&catalogues, language, (&contact.0, &contact.1));
        if writing {
            std::fs::create_dir_all(std::path::Path::new(&file).parent().unwrap()).unwrap();
            std::fs::write(&file, &rendered).unwrap();
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == rendered,
            "{path} is out of date with the catalogues: run `make web-forms`"
        );
        assert!(rendered.contains(&format!("<html lang=\"{}\">", language.tag())));
        assert!(rendered.contains(&format!(
            "<input type=\"hidden\" name=\"lang\" value=\"{}\">",
            language.tag()
        )));
        assert!(
            !rendered.contains("hosted_form"),
            "a drop-in form is not the hosted one"
        );
        // A sample number left in by mistake would be shown to a person who cannot get through.
        assert!(
            !committed.contains("555-0142") && !committed.contains("@practice.test"),
            "{path} carries the sample contact details: run `make web-forms` with the practice's"
        );
    }
    assert_eq!(catalogues.misses(), 0);
}

fn hosted(language: Language) -> FormPage {
    let catalogues = Catalogues::load().unwrap();
    FormPage::new(
        &catalogues,
        language,
        Mode::Hosted {
            up: "",
            captcha_required: false,
            turnstile: None,
        },
    )
}

#[test]
fn the_hosted_page_inlines_exactly_what_its_policy_hashes() {
    let html = hosted(Language::Spanish).render().unwrap();
    let policy = HostedPolicy::new();
    let allowed =
        AllowedOrigins::parse("https://www.practice.example,http://localhost:8080").unwrap();
    let csp = policy.content_security_policy(&allowed, None);
    let css = html
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    let js = html
        .split("<script>")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(
        csp.contains(&format!("style-src {};", sha256_source(css))),
        "{csp}"
    );
    assert!(
        csp.contains(&format!("script-src {};", sha256_source(js))),
        "{csp}"
    );
    assert!(csp.ends_with("frame-ancestors https://www.practice.example http://localhost:8080"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(!csp.contains("challenges.cloudflare.com"));
    let with_widget =
        policy.content_security_policy(&allowed, Some("https://challenges.cloudflare.com"));
    assert!(with_widget.contains("script-src 'sha256-"));
    assert!(with_widget.contains(" https://challenges.cloudflare.com; connect-src 'self'"));
    assert!(with_widget.contains("frame-src https://challenges.cloudflare.com;"));
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("name=\"hosted_form\" value=\"1\""));
    assert!(html.contains("action=\"../consultations\""));
    assert!(html.contains("href=\"form?lang=en\" lang=\"en\""));
    assert!(html.contains("Programe una consulta gratuita"));
}

#[test]
fn the_form_again_keeps_what_was_typed_escaped_and_says_what_to_fix() {
    let catalogues = Catalogues::load().unwrap();
    let mut fields = FieldErrors::new();
    fields.add(Field::Email, FieldError::InvalidEmail);
    let body = crate::intake::parse_body(
        crate::intake::MediaType::Form,
        b"name=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=nope&message=line+one%0A%3C%2Ftextarea%3E&session_format=telehealth&preferred_contact=text&consent=on&website=bot&cf-turnstile-response=tok",
    )
    .unwrap();
    let typed = Typed::of_form(&body.form);
    let page = FormPage::new(
        &catalogues,
        Language::English,
        Mode::Hosted {
            up: "",
            captcha_required: false,
            turnstile: None,
        },
    )
    .with_errors(&catalogues, Language::English, &fields, typed);
    let html = page.render().unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Error: Schedule a free consultation</title>"));
    assert!(html.contains("There is a problem"));
    assert!(html.contains(
        "<a href=\"#cf-email\">Enter an email address in the correct format, like name@example.com</a>"
    ));
    assert!(
        html.contains("value=\"&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;\""),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(html.contains(">line one\n&#60;/textarea&#62;</textarea>"));
    assert!(html.contains("value=\"telehealth\" selected"));
    assert!(html.contains("value=\"text\" checked"));
    assert!(!html.contains("value=\"email\" checked"));
    assert!(html.contains("name=\"consent\" type=\"checkbox\" value=\"on\" required aria-describedby=\"cf-consent-error\" checked"));
    assert!(html.contains("value=\"nope\" aria-invalid=\"true\""));
    assert!(
        !html.contains("value=\"bot\"") && !html.contains("value=\"tok\""),
        "never the honeypot or the token"
    );
    assert_eq!(catalogues.misses(), 0);
}

#[test]
fn the_embed_script_titles_its_frame_in_every_language() {
    let catalogues = Catalogues::load().unwrap();
    let script = embed_script(&catalogues);
    assert!(!script.contains("FRAME_TITLES"));
    assert!(
        script.contains(r#""en":"Consultation request form""#),
        "{script}"
    );
    assert!(script.contains(r#""es":"Formulario para solicitar una consulta""#));
    assert!(script.contains("event.origin !== formUrl.origin"));
}
