//! Integration tests: the handler with real AWS SDK clients against the emulator (moto), and the
//! compiled binary under a Lambda Runtime API. Run them with `make test`.

mod abuse;
mod admin;
mod clock_moved;
mod console;
mod cors;
mod deadline;
mod doctor;
mod duplicates;
mod edge;
mod events;
mod faults;
mod follow_up;
mod heartbeat;
mod heartbeat_binary;
#[allow(dead_code, unused_imports)] // shared with tests/logs.rs, which uses other parts
mod helpers;
mod hosted_form;
mod hostile;
mod hostile_answers;
mod http_surface;
mod infra;
mod infra_console;
mod infra_deploy;
mod languages;
mod lost_answer;
mod notification;
mod pasted;
mod questions;
mod reminders;
mod replies;
mod resend;
mod retry;
mod review;
mod routing;
mod runtime_api;
mod schedule;
mod secrets;
mod ses_events;
mod stack;
mod storage;
mod submission;
mod validation;
mod warm_up;
mod webhooks;
mod webhooks_operator;
