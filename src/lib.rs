//! Consultation requests from a psychotherapy practice's website: validated, stored in DynamoDB and
//! sent to staff by email.

pub mod domain;
pub mod config;
pub mod error;
pub mod http;
