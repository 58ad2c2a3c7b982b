//! The hosted form, through the binary: the page itself (its language, its policy, its cache),
//! `embed.js`, and the form's own posts from the API's origin, thanked and corrected inside the
//! frame.

use crate::abuse::{API_HOST, Verifier, stand_in};
use crate::helpers::{ALLOWED_ORIGIN, RequestSpec, TestApp, s, with_token};
use crate::runtime_api::{RuntimeApi, body_of, test_env};
use serde_json::{Value, json};

fn header<'a>(response: &'a Value, name: &str) -> &'a str {
    response["headers"][name].as_str().unwrap_or_default()
}

fn api_origin() -> String {
    format!("https://{API_HOST}")
}

#[tokio::test]
async fn the_hosted_form_is_a_whole_page_framed_only_by_the_practice() {
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function =
        runtime.spawn_function(&test_env(&test, &[("PRACTICE_PHONE", "(312) 555-0142")]));
    let get = |query: &str, language: &str| {
        let mut spec = RequestSpec::new("GET", "/consultations/form")
            .header("origin", "")
            .header("accept-language", language);
        spec.query = query.to_owned();
        spec.event_json()
    };

    let page = runtime.invoke(&get("", "en-US,en;q=0.9")).await;
    assert_eq!(page["statusCode"], 200, "{page}");
    assert!(header(&page, "content-type").starts_with("text/html"));
    let csp = header(&page, "content-security-policy");
    assert!(
        csp.ends_with(&format!("frame-ancestors {ALLOWED_ORIGIN}")),
        "{csp}"
    );
    assert!(
        csp.contains("script-src 'sha256-") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(header(&page, "cache-control"), "public, max-age=300");
    assert_eq!(header(&page, "vary"), "Accept-Language");
    let html = body_of(&page);
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("name=\"hosted_form\" value=\"1\""));
    assert!(html.contains("data-practice-phone=\"(312) 555-0142\""));

    let spanish = body_of(&runtime.invoke(&get("", "es-MX,es;q=0.9")).await);
    assert!(spanish.contains("<html lang=\"es\">") && spanish.contains("Programe una consulta"));
    let chosen = body_of(&runtime.invoke(&get("lang=es", "en")).await);
    assert!(chosen.contains("<html lang=\"es\">"));
    let unknown = runtime.invoke(&get("lang=xx", "")).await;
    assert_eq!(unknown["statusCode"], 200, "an unknown language falls back");

    let mut embed = RequestSpec::new("GET", "/consultations/embed.js").header("origin", "");
    embed.query = String::new();
    let script = runtime.invoke(&embed.event_json()).await;
    assert_eq!(script["statusCode"], 200);
    assert!(header(&script, "content-type").starts_with("text/javascript"));
    assert!(body_of(&script).contains("Formulario para solicitar una consulta"));

    let post = RequestSpec::new("POST", "/consultations/form").header("origin", "");
    let refused = runtime.invoke(&post.event_json()).await;
    assert_eq!(refused["statusCode"], 405);
    assert_eq!(header(&refused, "allow"), "GET, HEAD");
    test.assert_nothing_kept().await;
}

fn hosted_post(body: &str) -> RequestSpec {
    RequestSpec::post_form(body).header("origin", &api_origin())
}

#[tokio::test]
async fn its_posts_come_from_the_api_and_are_answered_inside_the_frame() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(
        &test,
        &[("THANK_YOU_URL", "https://www.practice.test/thanks")],
    ));

    // Errors: the form again, with what was typed (escaped), never cached.
    let typed = "hosted_form=1&lang=es&name=%3Cb%3EAna%3C%2Fb%3E&email=nope&message=Hola%0Aotra+l%C3%ADnea&consent=on";
    let again = runtime.invoke(&hosted_post(typed).event_json()).await;
    assert_eq!(again["statusCode"], 422, "{again}");
    assert_eq!(header(&again, "cache-control"), "no-store");
    assert!(header(&again, "content-security-policy").contains("frame-ancestors"));
    let html = body_of(&again);
    assert!(
        html.contains("<title>Error: Programe una consulta gratuita</title>"),
        "{html}"
    );
    assert!(
        html.contains("value=\"&#60;b&#62;Ana&#60;/b&#62;\""),
        "{html}"
    );
    assert!(html.contains(">Hola\notra línea</textarea>"));
    assert!(html.contains("href=\"#cf-email\""));
    assert_eq!(test.items().await.len(), 0);

    // Success: the function's own thank-you page in the frame, not the practice's redirect.
    let done = runtime
        .invoke(
            &hosted_post("hosted_form=1&lang=es&name=Ana&email=ana%40example.com&consent=on")
                .event_json(),
        )
        .await;
    assert_eq!(done["statusCode"], 200, "{done}");
    assert!(header(&done, "location").is_empty());
    assert!(
        header(&done, "content-security-policy")
            .ends_with(&format!("frame-ancestors {ALLOWED_ORIGIN}"))
    );
    assert!(body_of(&done).contains("Gracias, recibimos su solicitud"));
    let items = test.items().await;
    assert_eq!(items.len(), 1);
    assert_eq!(s(&items[0], "language"), "es");

    // The drop-in form (no marker) still lands on the practice's page.
    let drop_in = RequestSpec::post_form("name=Lee&email=lee%40example.com&consent=on");
    let redirected = runtime.invoke(&drop_in.event_json()).await;
    assert_eq!(redirected["statusCode"], 303);

    // Any other origin is still refused.
    let elsewhere =
        RequestSpec::post_form("hosted_form=1&name=Bo&email=bo%40example.com&consent=on")
            .header("origin", "https://evil.example");
    assert_eq!(
        runtime.invoke(&elsewhere.event_json()).await["statusCode"],
        403
    );
}

#[tokio::test]
async fn a_token_made_on_the_api_host_is_verified() {
    let (url, _) = stand_in(Verifier::ApiHost).await;
    let test = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(
        &test,
        &[
            ("TURNSTILE_SECRET_KEY", "0x-test-secret"),
            ("TURNSTILE_VERIFY_URL", &url),
            ("TURNSTILE_SITE_KEY", "1x00000000000000000000AA"),
        ],
    ));
    let mut page = RequestSpec::new("GET", "/consultations/form").header("origin", "");
    page.query = String::new();
    let page = runtime.invoke(&page.event_json()).await;
    assert!(body_of(&page).contains("data-sitekey=\"1x00000000000000000000AA\""));
    assert!(
        header(&page, "content-security-policy")
            .contains("frame-src https://challenges.cloudflare.com")
    );

    let mut body = with_token();
    body["hosted_form"] = json!("1");
    let from_the_form = RequestSpec::post_json(&body).header("origin", &api_origin());
    let answer = runtime.invoke(&from_the_form.event_json()).await;
    assert_eq!(answer["statusCode"], 201, "{answer}");
    let id = serde_json::from_str::<Value>(&body_of(&answer)).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let item = test.item(&id).await;
    assert_eq!(s(&item, "verification"), "passed");
}

#[tokio::test]
async fn a_foreign_page_cannot_make_the_practices_form_show_values_it_chose() {
    let test = TestApp::spawn_with(&[("RATE_LIMIT_PER_HOUR", "50")]).await;
    let runtime = RuntimeApi::start().await;
    let _function = runtime.spawn_function(&test_env(&test, &[]));
    // An auto-posting page elsewhere: its `Referrer-Policy: no-referrer` makes the post `Origin:
    // null`; the person would complete the practice's form with the attacker's address in it.
    let planted =
        "hosted_form=1&name=Planted+Name&email=attacker%40evil.example&message=planted+words";
    for (origin, fetch_site) in [
        ("null", ""),
        ("null", "cross-site"),
        (ALLOWED_ORIGIN, "cross-site"),
        ("https://evil.example", "cross-site"),
    ] {
        let post = RequestSpec::post_form(planted)
            .header("origin", origin)
            .header("sec-fetch-site", fetch_site);
        let answer = runtime.invoke(&post.event_json()).await;
        let html = body_of(&answer);
        for planted in ["Planted", "attacker", "evil.example", "planted words"] {
            assert!(
                !html.contains(planted),
                "{origin} {fetch_site}: {planted} shown in {html}"
            );
        }
    }
    assert_eq!(test.items().await.len(), 0);

    // The hosted form's own page posts from its own origin, or as `null` with the browser's word
    // that it is the same origin: what the person typed is kept.
    for (origin, fetch_site) in [(api_origin().as_str(), ""), ("null", "same-origin")] {
        let post = RequestSpec::post_form(planted)
            .header("origin", origin)
            .header("sec-fetch-site", fetch_site);
        let answer = runtime.invoke(&post.event_json()).await;
        assert_eq!(answer["statusCode"], 422, "{answer}");
        let html = body_of(&answer);
        assert!(html.contains("value=\"Planted Name\""), "{origin}: {html}");
    }
    let page = runtime
        .invoke(&RequestSpec::new("GET", "/consultations/form").event_json())
        .await;
    assert_eq!(
        header(&page, "referrer-policy"),
        "same-origin",
        "its posts carry its origin"
    );
}
