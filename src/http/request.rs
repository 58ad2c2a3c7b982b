//! The edge's reading of a Lambda request, done once: everything the rest of the function needs
//! to know about it, as one value.

use super::cors::{OriginCheck, check_origin};
use super::envelope::UNDECODABLE_BODY_HEADER;
use crate::catalogues::{Language, choose_language};
use crate::config::{AllowedOrigins, Config, Origin};
use crate::deadline::Deadline;
use crate::domain::SubmissionId;
use crate::intake::{Intake, IntakeError, MediaType, ReadBody, read_body};
use lambda_http::http::Method;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// The one path the function serves.
pub const PATH: &str = "/consultations";

/// What the request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Consultations,
    /// `/consultations/{id}/follow-up`: a staff member's one-click follow-up link.
    FollowUp(SubmissionId),
    /// `/consultations/{id}/release`: the review digest's *Not spam: send it to staff*.
    Release(SubmissionId),
    /// `/consultations/form`: the hosted form, a whole page served by the function.
    Form,
    /// `/consultations/embed.js`: the one script that inserts the hosted form and sizes it.
    Embed,
    NotFound,
}

impl Route {
    fn of(path: &str) -> Self {
        let path = path.strip_suffix('/').unwrap_or(path);
        if path == PATH {
            return Self::Consultations;
        }
        let Some(rest) = path
            .strip_prefix(PATH)
            .and_then(|rest| rest.strip_prefix('/'))
        else {
            return Self::NotFound;
        };
        match rest {
            "form" => return Self::Form,
            "embed.js" => return Self::Embed,
            _ => {}
        }
        let of = |suffix: &str| rest.strip_suffix(suffix).and_then(SubmissionId::parse);
        of("/follow-up")
            .map(Self::FollowUp)
            .or_else(|| of("/release").map(Self::Release))
            .unwrap_or(Self::NotFound)
    }
}

/// Who is asking, which decides the shape of every answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// The body is JSON or `Accept` names `application/json`.
    Json,
    /// A plain HTML form post.
    Html,
}

/// A Lambda request, read.
#[derive(Debug)]
pub struct Inbound<'a> {
    /// Lambda's request id when running under the runtime, else API Gateway's.
    pub request_id: String,
    pub method: Method,
    pub route: Route,
    pub origin: OriginCheck,
    pub client: ClientKind,
    /// Where the "back to the form" link of an HTML error page points (an allowed page only).
    pub back_link: Option<String>,
    /// The address API Gateway saw (not a header a client could set).
    pub source_ip: Option<String>,
    /// The domain API Gateway received the request on (a custom domain included).
    pub domain_name: Option<String>,
    pub deadline: Deadline,
    /// The query string (a follow-up link's state and token, the hosted form's `lang`).
    pub query: Option<&'a str>,
    /// The path as asked for: the hosted form's links are relative to it.
    pub path: &'a str,
    /// `ALLOWED_ORIGINS` and the API's own origins (`PUBLIC_BASE_URL`'s, and the domain API
    /// Gateway received the request on, which no client can set): the hosted form posts from
    /// them.
    pub allowed: AllowedOrigins,
    /// The heartbeat's header, when the request carries one (checked by `heartbeat::receive`).
    pub heartbeat: Option<&'a str>,
    /// Sent by the hosted form (its hidden `hosted_form` field): success and errors are shown
    /// inside its frame.
    pub hosted_form: bool,
    /// Posted from the API's own origin (the hosted form's page): only then is what was typed
    /// shown again, so no other page can make the practice's form show values it chose.
    pub same_origin: bool,
    /// The body as it came (the staff links' forms, the probe's signed body).
    pub raw_body: &'a [u8],
    /// A submission's body, read once (`/consultations` only).
    pub body: Option<Result<ReadBody, IntakeError>>,
    /// Who the answer is written for: the form's `lang`, else `Accept-Language`, else the
    /// default. Staff links are answered in the default (the practice's) language.
    pub language: Language,
}

impl<'a> Inbound<'a> {
    pub fn read(request: &'a Request, config: &Config) -> Self {
        let route = Route::of(request.uri().path());
        let domain_name = domain_name(request);
        let own_origins: Vec<Origin> = config
            .public_base_url
            .as_deref()
            .and_then(Origin::of_url)
            .into_iter()
            .chain(
                domain_name
                    .as_deref()
                    .and_then(|domain| Origin::parse(&format!("https://{domain}")).ok()),
            )
            .collect();
        let allowed = config.allowed_origins.with(&own_origins);
        let default = config.default_language;
        let content_type = header(request, "content-type");
        let is_json = MediaType::from_content_type(content_type).ok() == Some(MediaType::Json);
        let client = if is_json || accepts_json(header(request, "accept")) {
            ClientKind::Json
        } else {
            ClientKind::Html
        };
        let form_post = request.method() == Method::POST && client == ClientKind::Html;
        let origin = check_origin(header(request, "origin"), &allowed, form_post);
        // Sent from the API's own pages (the hosted form): its own origin, or `null` with the
        // browser's word that the post came from the same origin. Nothing else a page can forge.
        let same_origin = match header(request, "origin") {
            Some("null") => header(request, "sec-fetch-site") == Some("same-origin"),
            Some(origin) => Origin::parse(origin).is_ok_and(|o| own_origins.contains(&o)),
            None => false,
        };
        // Link back only to a page of an allowed site, never to wherever a Referer points.
        let back_link = header(request, "referer")
            .filter(|referer| Origin::of_url(referer).is_some_and(|o| allowed.contains(&o)))
            .map(str::to_owned)
            .or_else(|| match &origin {
                OriginCheck::Allowed(origin) => Some(format!("{origin}/")),
                _ => None,
            });
        let raw_body: &[u8] = request.body().as_ref();
        let body = (route == Route::Consultations).then(|| {
            read_body(Intake {
                undecodable_body: request.headers().contains_key(UNDECODABLE_BODY_HEADER),
                content_type,
                idempotency_header: request
                    .headers()
                    .get("idempotency-key")
                    .map(|v| v.to_str().map(str::trim).map_err(|_| ())),
                body: raw_body,
            })
        });
        let read = body.as_ref().and_then(|b| b.as_ref().ok());
        let lang_field = match route {
            Route::Form => query_value(request.uri().query(), "lang"),
            _ => read.and_then(|b| b.lang.clone()),
        };
        let hosted_form = read.is_some_and(|b| b.hosted_form);
        let language = match route {
            Route::FollowUp(_) | Route::Release(_) => default,
            _ => choose_language(
                lang_field.as_deref(),
                header(request, "accept-language"),
                default,
            ),
        };
        Self {
            language,
            request_id: request_id(request),
            method: request.method().clone(),
            route,
            origin,
            client,
            back_link,
            source_ip: source_ip(request),
            domain_name,
            query: request.uri().query(),
            path: request.uri().path(),
            allowed,
            heartbeat: header(request, crate::heartbeat::HEADER),
            hosted_form,
            same_origin,
            deadline: request
                .lambda_context_ref()
                .map_or_else(Deadline::unknown, Deadline::of),
            raw_body,
            body,
        }
    }
}

fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn accepts_json(accept: Option<&str>) -> bool {
    accept.is_some_and(|accept| {
        accept.split(',').any(|part| {
            part.split(';')
                .next()
                .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
        })
    })
}

fn request_id(request: &Request) -> String {
    if let Some(context) = request.lambda_context_ref() {
        return context.request_id.clone();
    }
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        _ => None,
    }
    .unwrap_or_else(|| "unknown".to_owned())
}

fn source_ip(request: &Request) -> Option<String> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    }
}

fn domain_name(request: &Request) -> Option<String> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.domain_name.clone(),
        _ => None,
    }
}

/// A header as text; a header that is not visible ASCII counts as absent.
fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let id = SubmissionId::new(chrono::Utc::now());
        assert_eq!(Route::of("/consultations"), Route::Consultations);
        assert_eq!(Route::of("/consultations/"), Route::Consultations);
        assert_eq!(Route::of("/consultations/form"), Route::Form);
        assert_eq!(Route::of("/consultations/form/"), Route::Form);
        assert_eq!(Route::of("/consultations/embed.js"), Route::Embed);
        let follow_up = format!("/consultations/{id}/follow-up");
        assert_eq!(Route::of(&follow_up), Route::FollowUp(id));
        assert_eq!(
            Route::of(&format!("/consultations/{id}/release")),
            Route::Release(id)
        );
        for other in [
            "/contact",
            "/consultations/x/follow-up",
            "/consultations/follow-up",
            "/consultations/form/x",
            "/consultations/embed",
            "/",
        ] {
            assert_eq!(Route::of(other), Route::NotFound, "{other}");
        }
    }

    #[test]
    fn json_is_asked_for_by_accept() {
        for (accept, json) in [
            (Some("application/json"), true),
            (Some("text/html, Application/JSON;q=0.9"), true),
            (Some("text/html,application/xhtml+xml"), false),
            (None, false),
        ] {
            assert_eq!(accepts_json(accept), json, "{accept:?}");
        }
    }
}
