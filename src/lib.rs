//! Consultation requests from a psychotherapy practice's website: validated, stored in DynamoDB and
//! sent to staff by email, followed up until someone has called the person back.
//!
//! The modules below are listed in layer order, from the entries at the top to the foundation at
//! the bottom: a module uses only modules listed after it, never one before it (`tests/layers.rs`
//! holds every `use crate::…` of every file to this order, and no two files import each other).

// The entries: the kinds of invocation, and the operator tool's commands.
pub mod lambda;
pub mod console;
pub mod http;
pub mod admin;
pub mod doctor;
pub mod dns;
pub mod scheduled_run;

// The pipeline from a request to an outcome, and the other entries a request or event comes in by.
pub mod app;

// The capabilities the pipeline and the scheduled run are made of.
pub mod routing;
pub mod delivery;
pub mod follow_up;
pub mod heartbeat;
pub mod webhooks;
pub mod staff;
pub mod access_log;
pub mod notify;
pub mod hosted_form;
pub mod turnstile;
pub mod intake;
pub mod error;

// The adapters: DynamoDB, Secrets Manager, the deployed stack.
pub mod store;
pub mod secrets;
pub mod stack;

// The foundation: configuration, texts, keys, the domain's types, time, AWS and TLS set-up, logs.
pub mod config;
pub mod catalogues;
pub mod signing;
pub mod domain;
pub mod questions;
pub mod deadline;
pub mod clock;
pub mod aws;
pub mod tls;
pub mod logging;
