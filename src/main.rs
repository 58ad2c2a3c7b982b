use consultation_form::app::App;
use consultation_form::config::{ConfigError, vars};
use consultation_form::tls::AWS_CA_BUNDLE;
use consultation_form::{aws, lambda, logging, secrets};
use std::sync::Arc;

fn main() -> Result<(), lambda_http::Error> {
    logging::init();
    logging::install_panic_hook();
    let workers = match runtime_workers() {
        Ok(workers) => workers,
        Err(error) => stop(error.variable(), &error),
    };
    let runtime = match workers {
        0 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        workers => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(usize::from(workers))
            .enable_all()
            .build()?,
    };
    runtime.block_on(serve())
}

/// `RUNTIME_WORKERS`, read before the runtime that reads the rest exists.
fn runtime_workers() -> Result<u8, ConfigError> {
    vars::Env::new(&|name| std::env::var(name).ok()).required(&vars::RUNTIME_WORKERS)
}

async fn serve() -> Result<(), lambda_http::Error> {
    let sdk_config = match aws::load_sdk_config().await {
        Ok(sdk_config) => sdk_config,
        Err(error) => stop(AWS_CA_BUNDLE, &error),
    };
    // Built once: in a deployed stack the secrets are named by ARN and read now, with it.
    let config = match secrets::config_from_env(&sdk_config).await {
        Ok(config) => config,
        Err(error) => stop(error.variable(), &error),
    };
    if config.client_hash_key.generated {
        tracing::warn!(
            "CLIENT_HASH_KEY is not set: using a random key, so rate limits and duplicate detection hold per instance only"
        );
    }
    if config.staff_email_content == consultation_form::config::StaffEmailContent::Minimal
        && config.reply_tracking_domain.is_some()
    {
        tracing::warn!(
            "STAFF_EMAIL_CONTENT is minimal: staff emails carry no Reply-To, so reply tracking (REPLY_TRACKING_DOMAIN) is off; contact is recorded in the console"
        );
    }
    if config.follow_up_key.is_none() {
        tracing::warn!("FOLLOW_UP_KEY is not set: staff emails carry no follow-up links");
    }
    let app = App::from_sdk_config(config, &sdk_config);
    app.warm_up().await;
    lambda::run(Arc::new(app)).await
}

/// Stops the cold start: a line naming what is wrong, and the exit status Lambda reports as an
/// init failure.
fn stop(variable: &str, error: &dyn std::error::Error) -> ! {
    tracing::error!(variable, error = %error, "invalid configuration; stopping");
    eprintln!("consultation-form: invalid configuration: {error}");
    std::process::exit(78);
}
