//! A small Lambda Runtime API, served on 127.0.0.1, that runs the compiled binary the way Lambda
//! does: the binary polls for the next event and posts its response back.

use crate::helpers::{Answer, serve};
use http_body_util::Full;
use hyper::Response;
use hyper::body::Bytes;
use hyper::http::request::Parts;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::process::{Child, Command};
use tokio::sync::Notify;

const PREFIX: &str = "/2018-06-01/runtime";

struct State {
    /// How long each invocation gets: its deadline is this far from when it is handed out.
    budget: Duration,
    queue: Mutex<VecDeque<(String, String)>>,
    queued: Notify,
    responses: Mutex<HashMap<String, Value>>,
    errors: Mutex<Vec<String>>,
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    state: Arc<State>,
    next_id: Mutex<u64>,
}

impl RuntimeApi {
    pub async fn start() -> Self {
        Self::start_with_budget(Duration::from_secs(30)).await
    }

    /// A Runtime API whose invocations each have `budget` before their deadline.
    pub async fn start_with_budget(budget: Duration) -> Self {
        let state = Arc::new(State {
            budget,
            queue: Mutex::default(),
            queued: Notify::new(),
            responses: Mutex::default(),
            errors: Mutex::default(),
        });
        let served = Arc::clone(&state);
        let url = serve(move |parts, body| route(Arc::clone(&served), parts, body)).await;
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Self {
            addr,
            state,
            next_id: Mutex::new(0),
        }
    }

    /// Starts the release or debug binary built for these tests, with exactly `vars` as its
    /// configuration plus the emulator's AWS settings and Lambda's own variables.
    pub fn spawn_function(&self, vars: &HashMap<String, String>) -> Child {
        function_command(vars)
            .env("AWS_LAMBDA_RUNTIME_API", self.addr.to_string())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the function binary")
    }

    /// Sends one event and waits for the function's response.
    pub async fn invoke(&self, event: &str) -> Value {
        let id = {
            let mut next = self.next_id.lock().unwrap();
            *next += 1;
            format!("invocation-{next}")
        };
        self.state
            .queue
            .lock()
            .unwrap()
            .push_back((id.clone(), event.to_owned()));
        self.state.queued.notify_one();
        for _ in 0..3000 {
            if let Some(response) = self.state.responses.lock().unwrap().remove(&id) {
                return response;
            }
            if let Some(error) = self.state.errors.lock().unwrap().first() {
                panic!("the function reported an error: {error}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no response to {id} within 30 s");
    }
}

/// The function binary with a clean environment: only what Lambda and the emulator provide.
pub fn function_command(vars: &HashMap<String, String>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_consultation-form"));
    command.env_clear();
    for name in [
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_MAX_ATTEMPTS",
        "AWS_EC2_METADATA_DISABLED",
    ] {
        if let Ok(value) = std::env::var(name) {
            command.env(name, value);
        }
    }
    command
        .env("AWS_LAMBDA_FUNCTION_NAME", "consultation-form")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/consultation-form")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .envs(vars);
    command
}

/// The checked-in local configuration (`local.env`), with overrides.
/// `local.env` for a binary that works on `test`'s table and staff address, with a fixed hashing
/// key, the tests' allowed origin and a rate limit no test reaches; `extra` on top.
pub fn test_env(test: &crate::helpers::TestApp, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars = local_env(&[
        ("TABLE_NAME", &test.table),
        ("NOTIFY_TO", &test.staff),
        ("CLIENT_HASH_KEY", crate::helpers::CLIENT_HASH_KEY),
        ("RATE_LIMIT_PER_HOUR", "50"),
        ("ALLOWED_ORIGINS", crate::helpers::ALLOWED_ORIGIN),
    ]);
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    vars
}

pub fn local_env(overrides: &[(&str, &str)]) -> HashMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("local.env");
    let mut vars: HashMap<String, String> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    for (k, v) in overrides {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    vars
}

async fn route(state: Arc<State>, parts: Parts, body: Bytes) -> Answer {
    let path = parts.uri.path().to_owned();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return Ok(reply(404, ""));
    };
    if rest == "/invocation/next" {
        loop {
            let next = state.queue.lock().unwrap().pop_front();
            if let Some((id, event)) = next {
                let deadline = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis()
                    + state.budget.as_millis();
                let mut response = reply(200, &event);
                let headers = response.headers_mut();
                headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
                headers.insert(
                    "lambda-runtime-deadline-ms",
                    deadline.to_string().parse().unwrap(),
                );
                headers.insert(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:consultation-form"
                        .parse()
                        .unwrap(),
                );
                headers.insert(
                    "lambda-runtime-trace-id",
                    "Root=1-00000000-000000000000000000000000".parse().unwrap(),
                );
                return Ok(response);
            }
            state.queued.notified().await;
        }
    }
    if let Some(id) = rest
        .strip_prefix("/invocation/")
        .and_then(|r| r.strip_suffix("/response"))
    {
        let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        state.responses.lock().unwrap().insert(id.to_owned(), value);
        return Ok(reply(202, ""));
    }
    if rest.ends_with("/error") {
        state
            .errors
            .lock()
            .unwrap()
            .push(String::from_utf8_lossy(&body).into_owned());
        return Ok(reply(202, ""));
    }
    Ok(reply(404, ""))
}

fn reply(status: u16, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    response
}

/// The body of a response the binary answered (decoded when base64).
pub fn body_of(response: &Value) -> String {
    let body = response["body"].as_str().unwrap_or_default();
    if response["isBase64Encoded"] == true {
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap();
        String::from_utf8(bytes).unwrap()
    } else {
        body.to_owned()
    }
}
