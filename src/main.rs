use consultation_form::app::App;
use consultation_form::config::Config;
use consultation_form::http::envelope::BodyEncodingGuard;
use consultation_form::{aws, logging};
use lambda_http::{Adapter, service_fn};
use std::convert::Infallible;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    logging::init();
    logging::install_panic_hook();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(variable = error.variable(), error = %error, "invalid configuration; stopping");
            eprintln!("consultation-form: invalid configuration: {error}");
            std::process::exit(78);
        }
    };
    if config.client_hash_key.generated {
        tracing::warn!(
            "CLIENT_HASH_KEY is not set: using a random key, so rate limits hold per instance only"
        );
    }
    let sdk_config = aws::load_sdk_config().await;
    let app = Arc::new(App::from_sdk_config(config, &sdk_config));
    let handler = service_fn(move |request| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Infallible>(app.handle(request).await) }
    });
    lambda_http::lambda_runtime::run(BodyEncodingGuard::new(Adapter::from(handler))).await
}
