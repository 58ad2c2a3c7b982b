//! Consultation requests from a psychotherapy practice's website: validated, stored in DynamoDB and
//! sent to staff by email.
//!
//! One request walks down the layers once: `lambda` (the kinds of invocation) → `http` (the edge:
//! read the request, answer it) → `app` (the pipeline) → `intake`, `domain`, `store`, `delivery`
//! and `turnstile` (the steps and the adapters). Nothing below calls back up.

pub mod admin;
pub mod app;
pub mod aws;
pub mod catalogues;
pub mod clock;
pub mod config;
pub mod deadline;
pub mod delivery;
pub mod doctor;
pub mod domain;
pub mod error;
pub mod follow_up;
pub mod heartbeat;
pub mod hosted_form;
pub mod http;
pub mod intake;
pub mod lambda;
pub mod logging;
pub mod notify;
pub mod scheduled_run;
pub mod secrets;
pub mod signing;
pub mod stack;
pub mod store;
pub mod tls;
pub mod turnstile;
