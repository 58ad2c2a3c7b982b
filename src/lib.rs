//! Consultation requests from a psychotherapy practice's website: validated, stored in DynamoDB and
//! sent to staff by email.

pub mod admin;
pub mod app;
pub mod aws;
pub mod clock;
pub mod config;
pub mod domain;
pub mod duplicates;
pub mod error;
pub mod http;
pub mod lambda;
pub mod logging;
pub mod notify;
pub mod store;
pub mod tls;
pub mod turnstile;
