//! A configuration problem, always naming the variable.

use crate::catalogues::CatalogueError;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required but not set")]
    Missing(&'static str),
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        variable: &'static str,
        reason: String,
    },
    /// A compiled-in catalogue is broken (a bug the tests catch; named here if one slipped past).
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
}

impl ConfigError {
    pub fn variable(&self) -> &'static str {
        match self {
            ConfigError::Missing(v) | ConfigError::Invalid { variable: v, .. } => v,
            ConfigError::Catalogue(_) => "locales",
        }
    }
}
