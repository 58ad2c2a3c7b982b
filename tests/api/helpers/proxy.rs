//! A proxy in front of the emulator that refuses, while told to, the calls whose body holds a
//! given text (an address, an index name): one failing AWS call among working ones.

use super::{Answer, endpoint, serve};
use http_body_util::Full;
use hyper::Response;
use hyper::body::Bytes;
use hyper::http::request::Parts;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct RefusingProxy {
    pub url: String,
    refused: Arc<Mutex<Option<String>>>,
}

impl RefusingProxy {
    pub async fn start() -> Self {
        let refused: Arc<Mutex<Option<String>>> = Arc::default();
        let shared = refused.clone();
        let url = serve(move |parts, body| {
            let refused = shared.clone();
            async move { forward(parts, body, &refused).await }
        })
        .await;
        Self { url, refused }
    }

    /// From now on, calls whose body holds `text` are refused (a 400 the SDK does not retry).
    pub fn refuse(&self, text: &str) {
        *self.refused.lock().unwrap() = Some(text.to_owned());
    }

    pub fn allow_all(&self) {
        *self.refused.lock().unwrap() = None;
    }
}

async fn forward(parts: Parts, body: Bytes, refused: &Mutex<Option<String>>) -> Answer {
    let refuse = refused
        .lock()
        .unwrap()
        .as_ref()
        .is_some_and(|text| String::from_utf8_lossy(&body).contains(text.as_str()));
    if refuse {
        return Ok(Response::builder()
            .status(400)
            .header("x-amzn-errortype", "ValidationException")
            .header("content-type", "application/x-amz-json-1.0")
            .body(Full::new(Bytes::from(
                r#"{"__type":"ValidationException","message":"refused by the test"}"#,
            )))
            .unwrap());
    }
    let answer = forward_to(&endpoint(), &parts, body).await?;
    answer_of(answer).await
}

/// Sends a request's parts and body on to `upstream` (the emulator), as the SDK sent them.
pub async fn forward_to(
    upstream: &str,
    parts: &Parts,
    body: Bytes,
) -> Result<reqwest::Response, std::io::Error> {
    let mut outgoing = reqwest::Client::new().request(
        parts.method.clone(),
        format!(
            "{upstream}{}",
            parts.uri.path_and_query().map_or("/", |p| p.as_str())
        ),
    );
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value);
        }
    }
    outgoing
        .body(body.to_vec())
        .send()
        .await
        .map_err(std::io::Error::other)
}

/// The upstream's answer, handed back to the SDK.
pub async fn answer_of(answer: reqwest::Response) -> Answer {
    let mut response = Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let bytes = answer.bytes().await.map_err(std::io::Error::other)?;
    Ok(response.body(Full::new(bytes)).unwrap())
}
