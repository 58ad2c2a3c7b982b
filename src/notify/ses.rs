//! Sending the staff notification through SES v2.

use super::NotificationEmail;
use crate::aws::AwsError;
use crate::domain::EmailAddress;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// SES refused the call or could not be reached.
    #[error(transparent)]
    Ses(#[from] AwsError),
    #[error("the email could not be built")]
    Build(#[source] aws_sdk_sesv2::error::BuildError),
}

/// Sends from `NOTIFY_FROM` to every `NOTIFY_TO`, with `Reply-To` the person.
#[derive(Debug, Clone)]
pub struct SesNotifier {
    client: Client,
    from: EmailAddress,
    to: Vec<EmailAddress>,
    configuration_set: Option<String>,
}

impl SesNotifier {
    pub fn new(
        client: Client,
        from: EmailAddress,
        to: Vec<EmailAddress>,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            client,
            from,
            to,
            configuration_set,
        }
    }

    /// A cheap call that opens (and so warms) the connection to SES.
    pub async fn warm_up(&self) -> Result<(), NotifyError> {
        self.client
            .get_email_identity()
            .email_identity(self.from.as_str())
            .send()
            .await
            .map_err(AwsError::of("SES", "GetEmailIdentity"))?;
        Ok(())
    }

    /// Sends the staff notification; returns the SES message id once SES has accepted it.
    pub async fn send(
        &self,
        email: &NotificationEmail,
        reply_to: &EmailAddress,
    ) -> Result<String, NotifyError> {
        self.send_email(&self.to, std::slice::from_ref(reply_to), email)
            .await
    }

    /// Sends the acknowledgement to the person, with replies going to the practice.
    pub async fn acknowledge(
        &self,
        person: &EmailAddress,
        email: &NotificationEmail,
    ) -> Result<String, NotifyError> {
        self.send_email(std::slice::from_ref(person), &self.to[..1], email)
            .await
    }

    async fn send_email(
        &self,
        to: &[EmailAddress],
        reply_to: &[EmailAddress],
        email: &NotificationEmail,
    ) -> Result<String, NotifyError> {
        let utf8 = |data: &str| {
            Content::builder()
                .data(data)
                .charset("UTF-8")
                .build()
                .map_err(NotifyError::Build)
        };
        let message = Message::builder()
            .subject(utf8(&email.subject)?)
            .body(
                Body::builder()
                    .text(utf8(&email.text)?)
                    .html(utf8(&email.html)?)
                    .build(),
            )
            .build();
        let destination = Destination::builder()
            .set_to_addresses(Some(to.iter().map(|a| a.as_str().to_owned()).collect()))
            .build();
        let output = self
            .client
            .send_email()
            .from_email_address(self.from.as_str())
            .destination(destination)
            .set_reply_to_addresses(Some(
                reply_to.iter().map(|a| a.as_str().to_owned()).collect(),
            ))
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(AwsError::of("SES", "SendEmail"))?;
        Ok(output.message_id.unwrap_or_default())
    }
}
