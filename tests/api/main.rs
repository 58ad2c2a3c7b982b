//! Integration tests: the handler with real AWS SDK clients against the emulator (moto), and the
//! compiled binary under a Lambda Runtime API. Run them with `make test`.

mod cors;
mod duplicates;
mod events;
mod faults;
mod helpers;
mod http_surface;
mod infra;
mod notification;
mod retry;
mod runtime_api;
mod storage;
mod submission;
mod validation;
