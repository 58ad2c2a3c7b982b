//! Endpoints on 127.0.0.1 the tests stand up: one that serves HTTP with a handler of the test's,
//! one that accepts connections and never answers, and one nobody listens on.

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What a handler answers: a response, or an error that drops the connection unanswered.
pub type Answer = Result<Response<Full<Bytes>>, std::io::Error>;

/// Serves HTTP/1.1 on a free port of 127.0.0.1, handing each request (its head and whole body)
/// to `handler`; returns `http://127.0.0.1:<port>`. It serves until the test's runtime ends.
pub async fn serve<H, F>(handler: H) -> String
where
    H: Fn(Parts, Bytes) -> F + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = Arc::clone(&handler);
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let handler = Arc::clone(&handler);
                    async move {
                        let (parts, body) = request.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map_err(std::io::Error::other)?
                            .to_bytes();
                        handler(parts, body).await
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

/// A response with `status` and `body` (and a content type when `content_type` is given).
pub fn answer(status: u16, content_type: Option<&str>, body: impl Into<Bytes>) -> Answer {
    let mut response = Response::builder().status(status);
    if let Some(content_type) = content_type {
        response = response.header("content-type", content_type);
    }
    Ok(response.body(Full::new(body.into())).unwrap())
}

/// An endpoint that accepts connections and never answers; abort the handle to close it.
pub async fn silent_endpoint() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    (format!("http://{address}"), held)
}

/// `http://127.0.0.1:<port>` of a port nobody listens on: every connection is refused.
pub fn closed_endpoint() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    format!("http://{address}")
}

/// One of the tests' Python servers (`tests/<script>`, run with the venv's Python): the process,
/// its standard output as lines after the first, and that first line (what it listens on).
pub async fn python_server(
    script: &str,
    args: &[&std::ffi::OsStr],
) -> (
    tokio::process::Child,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
    String,
) {
    use tokio::io::AsyncBufReadExt;
    let python = std::env::var("CONSULTATION_PYTHON").unwrap_or_else(|_| ".venv/bin/python".into());
    let path = format!("{}/tests/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut process = tokio::process::Command::new(python)
        .arg(path)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("start tests/{script}: {e}"));
    let mut lines = tokio::io::BufReader::new(process.stdout.take().unwrap()).lines();
    let first = lines
        .next_line()
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("tests/{script} printed nothing"));
    (process, lines, first)
}
