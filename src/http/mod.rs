//! The contract's HTTP surface: reading bodies, CORS and origin, and shaping responses.

pub mod body;
pub mod cors;
pub mod envelope;
pub mod intake;
mod page;
pub mod response;

pub use page::Page;
