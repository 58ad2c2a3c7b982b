//! A bare `lambda_http` hello-world: the baseline `make bench` compares the function with.

use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|_request: Request| async {
        Ok::<_, Error>(Response::new(Body::Text("hello".to_owned())))
    }))
    .await
}
