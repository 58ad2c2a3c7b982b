//! A console request, read once: the route, the cookies (parsed by the `cookie` crate), whether
//! it came from the console's own origin, the client's address and browser family, and the form
//! or JSON it carries.

use super::route::Route;
use crate::config::ConsoleConfig;
use lambda_http::http::Method;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};

/// The most a console request may carry (a WebAuthn answer is a few kilobytes).
const MAX_BODY: usize = 64 * 1024;

#[derive(Debug)]
pub struct ConsoleRequest {
    pub request_id: String,
    pub method: Method,
    pub route: Route,
    /// The path and query as asked for, under `/staff` (the return path after sign-in).
    pub here: String,
    pub query: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    /// `Origin` is the console's, or `null` with the browser's word that it is the same origin.
    pub same_origin: bool,
    pub source_ip: Option<String>,
    pub browser: &'static str,
    /// A form post's fields.
    pub form: Vec<(String, String)>,
    /// A JSON body (the passkey ceremonies), as text.
    pub json: Option<String>,
    /// `X-CSRF-Token` (the ceremonies' `fetch` calls send the token there).
    pub csrf_header: Option<String>,
}

impl ConsoleRequest {
    pub fn read(request: &Request, config: &ConsoleConfig) -> Self {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let path = request.uri().path();
        let path = path.strip_prefix(&config.base_path).unwrap_or(path);
        let here = match request.uri().query() {
            Some(query) if !query.is_empty() => format!("{path}?{query}"),
            _ => path.to_owned(),
        };
        let query = url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        let cookies = header("cookie")
            .map(|all| {
                cookie::Cookie::split_parse(all.to_owned())
                    .filter_map(Result::ok)
                    .map(|c| (c.name().to_owned(), c.value().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let same_origin = match header("origin") {
            Some("null") => header("sec-fetch-site") == Some("same-origin"),
            Some(origin) => origin == config.base.as_str(),
            None => false,
        };
        let body: &[u8] = match request.body() {
            Body::Text(text) => text.as_bytes(),
            Body::Binary(bytes) => bytes,
            _ => &[],
        };
        let body = if body.len() > MAX_BODY { &[][..] } else { body };
        let content_type = header("content-type").unwrap_or("").to_ascii_lowercase();
        let (form, json) = if content_type.starts_with("application/json") {
            (
                Vec::new(),
                std::str::from_utf8(body).ok().map(str::to_owned),
            )
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            (
                url::form_urlencoded::parse(body).into_owned().collect(),
                None,
            )
        } else {
            (Vec::new(), None)
        };
        Self {
            request_id: request
                .lambda_context_ref()
                .map(|c| c.request_id.clone())
                .unwrap_or_else(|| "unknown".to_owned()),
            route: Route::of(request.method(), path),
            method: request.method().clone(),
            here,
            query,
            cookies,
            same_origin,
            source_ip: match request.request_context_ref() {
                Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
                _ => None,
            },
            browser: crate::access_log::browser_family(header("user-agent")),
            form,
            json,
            csrf_header: header("x-csrf-token").map(str::to_owned),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field given several times (a group of checkboxes).
    pub fn fields(&self, name: &str) -> Vec<String> {
        self.form
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The anti-forgery token the request carries: the form's field or the ceremony's header.
    pub fn csrf(&self) -> Option<&str> {
        self.field("csrf").or(self.csrf_header.as_deref())
    }
}

/// Whether a request is for the console: it came in on the console's host.
pub fn is_console_host(request: &Request, config: &ConsoleConfig) -> bool {
    // The Host header first: API Gateway routes by it, so there it names the same domain as
    // `requestContext.domainName`, while a local Runtime API (cargo-lambda's) fixes domainName to
    // `localhost` whatever host the browser asked for.
    let host = request
        .headers()
        .get("host")
        .and_then(|v| v.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase())
        .or_else(|| match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV2(context)) => context.domain_name.clone(),
            _ => None,
        });
    host.as_deref() == Some(config.base.host())
}
