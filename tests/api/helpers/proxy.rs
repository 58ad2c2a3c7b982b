//! A proxy in front of the emulator that refuses, while told to, the calls whose body holds a
//! given text (an address, an index name): one failing AWS call among working ones.

use super::endpoint;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

#[derive(Clone)]
pub struct RefusingProxy {
    pub url: String,
    refused: Arc<Mutex<Option<String>>>,
}

impl RefusingProxy {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let refused: Arc<Mutex<Option<String>>> = Arc::default();
        let shared = refused.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let refused = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let refused = refused.clone();
                        async move { forward(request, &refused).await }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
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

async fn forward(
    request: Request<Incoming>,
    refused: &Mutex<Option<String>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
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
    parts: &hyper::http::request::Parts,
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
pub async fn answer_of(answer: reqwest::Response) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let mut response = Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let bytes = answer.bytes().await.map_err(std::io::Error::other)?;
    Ok(response.body(Full::new(bytes)).unwrap())
}
