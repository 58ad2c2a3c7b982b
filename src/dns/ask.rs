//! What the records come from, asked of AWS: the stack's parameters and outputs (already read),
//! SES's answer about the sender identity, ACM's about each custom domain's certificate.

use super::{AwsAnswers, CustomDomain};
use crate::aws::AwsError;
use crate::stack::StackSettings;

#[derive(Debug, thiserror::Error)]
pub enum AskError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(
        "the stack names no SES identity (no SenderIdentityName output, no SenderDomain or NotifyFrom parameter)"
    )]
    NoIdentity,
}

/// Reads SES's and ACM's answers for the stack's identity and domains.
pub async fn ask_aws(
    sesv2: &aws_sdk_sesv2::Client,
    acm: &aws_sdk_acm::Client,
    stack: &StackSettings,
) -> Result<AwsAnswers, AskError> {
    // The identity the template made: the sender domain when there is one, else the address.
    let identity_name = stack
        .output("SenderIdentityName")
        .or_else(|| stack.parameter("SenderDomain"))
        .or_else(|| stack.parameter("NotifyFrom"))
        .ok_or(AskError::NoIdentity)?
        .to_owned();
    let identity = sesv2
        .get_email_identity()
        .email_identity(&identity_name)
        .send()
        .await
        .map_err(AwsError::of("SES", "GetEmailIdentity"))?;
    let dkim_outputs = ["DkimRecord1", "DkimRecord2", "DkimRecord3"]
        .iter()
        .filter_map(|key| stack.output(key).map(str::to_owned))
        .collect();
    let form_domain = custom_domain(
        acm,
        stack,
        [
            "CustomDomainName",
            "CustomDomainCertificateArn",
            "CustomDomainTarget",
        ],
    )
    .await;
    let console_domain = custom_domain(
        acm,
        stack,
        [
            "StaffDomainName",
            "StaffDomainCertificateArn",
            "StaffDomainTarget",
        ],
    )
    .await;
    Ok(AwsAnswers {
        // The region the clients ask: the stack's (the SES hosts the MX records name).
        region: sesv2
            .config()
            .region()
            .map(ToString::to_string)
            .unwrap_or_default(),
        identity: Some((identity_name, identity)),
        dkim_outputs,
        form_domain,
        console_domain,
        reply_tracking_domain: stack.parameter("ReplyTrackingDomain").map(str::to_owned),
    })
}

/// A custom domain when the stack has one: `[name parameter, certificate parameter, target
/// output]`.
async fn custom_domain(
    acm: &aws_sdk_acm::Client,
    stack: &StackSettings,
    [name, certificate, target]: [&str; 3],
) -> Option<CustomDomain> {
    let name = stack.parameter(name)?;
    // A certificate ACM will not describe (denied, deleted) costs its own record only: the
    // notes say so, and the other records are still listed and checked.
    let (certificate, certificate_problem) = match stack.parameter(certificate) {
        Some(arn) => match acm.describe_certificate().certificate_arn(arn).send().await {
            Ok(answer) => (answer.certificate, None),
            Err(e) => (
                None,
                Some(AwsError::of("ACM", "DescribeCertificate")(e).to_string()),
            ),
        },
        None => (None, None),
    };
    Some(CustomDomain {
        name: name.to_owned(),
        target: stack.output(target).map(str::to_owned),
        certificate,
        certificate_problem,
    })
}
