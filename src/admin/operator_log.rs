//! What the operator tool writes to the access log: `list`, `show`, `export`, `erase` and
//! `resend`, each with the references it touched and the AWS identity that ran it (STS
//! `GetCallerIdentity`). Self-reported: whoever holds the credentials could use the AWS CLI
//! instead, which CloudTrail's data events on the tables record (docs/operations.md).

use super::{Admin, AdminError};
use crate::access_log::{AccessLog, Action, Actor, Entry};
use crate::aws::AwsError;
use crate::domain::SubmissionId;

/// Where the operator's entries go, and under whose name.
#[derive(Debug, Clone)]
pub struct OperatorLog {
    pub log: AccessLog,
    /// The caller's ARN.
    pub arn: String,
}

/// The ARN of the credentials the tool runs with.
pub async fn caller_arn(sdk: &aws_config::SdkConfig) -> Result<String, AwsError> {
    let answer = aws_sdk_sts::Client::new(sdk)
        .get_caller_identity()
        .send()
        .await
        .map_err(AwsError::of("STS", "GetCallerIdentity"))?;
    Ok(answer.arn().unwrap_or("unknown").to_owned())
}

impl Admin<'_> {
    /// Records what the operator did, before it is printed or done; without an access log
    /// table configured (a local run), nothing.
    pub(super) async fn record(
        &self,
        action: Action,
        refs: impl IntoIterator<Item = SubmissionId>,
    ) -> Result<(), AdminError> {
        self.record_with(action, refs, None).await
    }

    /// Records it with a word about the change (a role, a staff id): never personal data.
    pub(super) async fn record_with(
        &self,
        action: Action,
        refs: impl IntoIterator<Item = SubmissionId>,
        detail: Option<&str>,
    ) -> Result<(), AdminError> {
        let Some(operator) = &self.log else {
            return Ok(());
        };
        let who = Actor::Operator(operator.arn.clone());
        let mut entry = Entry::new(who, action, chrono::Utc::now())
            .about(refs)
            .from_client(None, Some("operator tool".to_owned()));
        if let Some(detail) = detail {
            entry = entry.detail(detail);
        }
        operator.log.write(&entry).await?;
        Ok(())
    }
}
