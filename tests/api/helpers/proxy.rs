//! A proxy in front of the emulator that refuses, while told to, the calls whose body holds a
//! given text (an address, an index name): one failing AWS call among working ones. It can also
//! answer a transaction with DynamoDB's `TransactionConflict`, which the emulator never does.

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
    /// The text of the transactions to answer with a conflict, how many more, and how many were.
    conflicts: Arc<Mutex<(Option<String>, usize, usize)>>,
}

impl RefusingProxy {
    pub async fn start() -> Self {
        let refused: Arc<Mutex<Option<String>>> = Arc::default();
        let conflicts: Arc<Mutex<(Option<String>, usize, usize)>> = Arc::default();
        let (shared, shared_conflicts) = (refused.clone(), conflicts.clone());
        let url = serve(move |parts, body| {
            let refused = shared.clone();
            let conflicts = shared_conflicts.clone();
            async move {
                if let Some(answer) = conflict(&parts, &body, &conflicts) {
                    return answer;
                }
                forward(parts, body, &refused).await
            }
        })
        .await;
        Self {
            url,
            refused,
            conflicts,
        }
    }

    /// The next `times` transactions whose body holds `text` are cancelled by a
    /// `TransactionConflict`, as DynamoDB cancels one that meets another on the same item.
    pub fn conflict(&self, text: &str, times: usize) {
        let mut conflicts = self.conflicts.lock().unwrap();
        *conflicts = (Some(text.to_owned()), times, conflicts.2);
    }

    /// How many conflicts were answered.
    pub fn conflicts_answered(&self) -> usize {
        self.conflicts.lock().unwrap().2
    }

    /// From now on, calls whose body holds `text` are refused (a 400 the SDK does not retry).
    pub fn refuse(&self, text: &str) {
        *self.refused.lock().unwrap() = Some(text.to_owned());
    }

    pub fn allow_all(&self) {
        *self.refused.lock().unwrap() = None;
    }
}

fn conflict(
    parts: &Parts,
    body: &Bytes,
    conflicts: &Mutex<(Option<String>, usize, usize)>,
) -> Option<Answer> {
    let target = parts.headers.get("x-amz-target")?.to_str().ok()?;
    let mut conflicts = conflicts.lock().unwrap();
    let text = conflicts.0.clone()?;
    let wanted = target.ends_with(".TransactWriteItems")
        && conflicts.1 > 0
        && String::from_utf8_lossy(body).contains(&text);
    if !wanted {
        return None;
    }
    conflicts.1 -= 1;
    conflicts.2 += 1;
    Some(Ok(Response::builder()
        .status(400)
        .header("x-amzn-errortype", "TransactionCanceledException")
        .header("content-type", "application/x-amz-json-1.0")
        .body(Full::new(Bytes::from(
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]","CancellationReasons":[{"Code":"None"},{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}]}"#,
        )))
        .unwrap()))
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
