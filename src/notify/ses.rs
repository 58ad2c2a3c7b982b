//! Sending the staff notification through SES v2.

use super::Email;
use crate::aws::AwsError;
use crate::domain::{EmailAddress, SubmissionId};
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, MessageTag};

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// SES refused the call or could not be reached.
    #[error(transparent)]
    Ses(#[from] AwsError),
    #[error("the email could not be built")]
    Build(#[source] aws_sdk_sesv2::error::BuildError),
    #[error("the email could not be rendered")]
    Render(#[source] askama::Error),
}

/// Which email a message is, carried in its `email_kind` tag so that SES's events about it can be
/// told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    Staff,
    Fallback,
    Acknowledgement,
    /// To staff: a request still `new` after the follow-up time.
    Reminder,
    /// To `ESCALATE_TO`: still `new` after twice that.
    Escalation,
    /// To staff: the weekly summary (about no one request).
    Summary,
    /// To staff: the review digest of what is held (about no one request).
    Digest,
    /// To `HEARTBEAT_TO`: the daily probe's email (about no request).
    Heartbeat,
    /// To staff: `consultation-admin doctor --send-test`'s notification.
    Test,
    /// To a staff member and the admins: an invite, a passkey added or removed.
    Account,
}

impl EmailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Fallback => "fallback",
            Self::Acknowledgement => "acknowledgement",
            Self::Reminder => "reminder",
            Self::Escalation => "escalation",
            Self::Summary => "summary",
            Self::Digest => "digest",
            Self::Heartbeat => "heartbeat",
            Self::Test => "test",
            Self::Account => "account",
        }
    }

    pub fn parse(tag: &str) -> Option<Self> {
        [
            Self::Staff,
            Self::Fallback,
            Self::Acknowledgement,
            Self::Reminder,
            Self::Escalation,
            Self::Summary,
            Self::Digest,
            Self::Heartbeat,
            Self::Test,
            Self::Account,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == tag)
    }
}

/// The SES message tags every email carries: which request, and which email of it.
pub const SUBMISSION_TAG: &str = "submission_id";
pub const KIND_TAG: &str = "email_kind";

/// Sends from `NOTIFY_FROM` to every `NOTIFY_TO` (or `NOTIFY_FALLBACK_TO`), with `Reply-To` the
/// person.
#[derive(Debug, Clone)]
pub struct SesNotifier {
    client: Client,
    from: EmailAddress,
    to: Vec<EmailAddress>,
    fallback_to: Vec<EmailAddress>,
    escalate_to: Vec<EmailAddress>,
    configuration_set: Option<String>,
}

impl SesNotifier {
    pub fn new(
        client: Client,
        from: EmailAddress,
        to: Vec<EmailAddress>,
        fallback_to: Vec<EmailAddress>,
        escalate_to: Vec<EmailAddress>,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            client,
            from,
            to,
            fallback_to,
            escalate_to,
            configuration_set,
        }
    }

    /// The configured addresses an email of `kind` about a request goes to (none for the
    /// acknowledgement and the summary, which have their own recipients).
    fn recipients(&self, kind: EmailKind) -> &[EmailAddress] {
        match kind {
            EmailKind::Staff | EmailKind::Reminder | EmailKind::Test => &self.to,
            EmailKind::Fallback => &self.fallback_to,
            EmailKind::Escalation => &self.escalate_to,
            EmailKind::Acknowledgement
            | EmailKind::Summary
            | EmailKind::Digest
            | EmailKind::Heartbeat
            | EmailKind::Account => &[],
        }
    }

    /// Whether anyone is configured to get emails of `kind` (`NOTIFY_FALLBACK_TO`, `ESCALATE_TO`).
    pub fn sends(&self, kind: EmailKind) -> bool {
        !self.recipients(kind).is_empty()
    }

    /// Whether `address` is one of the practice's own the stack sends to (`NOTIFY_TO`,
    /// `ESCALATE_TO`, `NOTIFY_FALLBACK_TO`): a bounce there means staff may be hearing nothing.
    pub fn is_staff(&self, address: &str) -> bool {
        self.to
            .iter()
            .chain(&self.escalate_to)
            .chain(&self.fallback_to)
            .any(|staff| staff.as_str().eq_ignore_ascii_case(address))
    }

    /// A cheap call that opens (and so warms) the connection to SES: the sending identity, as
    /// the stack names it (`SES_IDENTITY`: a domain identity sends for every address of the
    /// domain, and the function's grant is on it), else the sender's address.
    pub async fn warm_up(&self, identity: Option<&str>) -> Result<(), NotifyError> {
        self.client
            .get_email_identity()
            .email_identity(identity.unwrap_or(self.from.as_str()))
            .send()
            .await
            .map_err(AwsError::of("SES", "GetEmailIdentity"))?;
        Ok(())
    }

    /// The front desk: `NOTIFY_TO`, where a request nobody is assigned to goes.
    pub fn front_desk(&self) -> &[EmailAddress] {
        &self.to
    }

    /// Sends an email about a request of `kind` to `to` (an assigned clinician, and the front
    /// desk when it gets a copy).
    pub async fn send_to(
        &self,
        kind: EmailKind,
        to: &[EmailAddress],
        email: &Email,
        reply_to: &[EmailAddress],
        id: SubmissionId,
    ) -> Result<String, NotifyError> {
        self.send_email(to, reply_to, email, Some(id), kind).await
    }

    /// Sends the staff notification; returns the SES message id once SES has accepted it.
    pub async fn send(
        &self,
        email: &Email,
        reply_to: &[EmailAddress],
        id: SubmissionId,
    ) -> Result<String, NotifyError> {
        self.send_email(&self.to, reply_to, email, Some(id), EmailKind::Staff)
            .await
    }

    /// Sends an email about a request to the addresses its kind goes to (a fallback to
    /// `NOTIFY_FALLBACK_TO`, a reminder to staff, an escalation to `ESCALATE_TO`); `None` when
    /// none are configured.
    pub async fn send_about(
        &self,
        kind: EmailKind,
        email: &Email,
        reply_to: &[EmailAddress],
        id: SubmissionId,
    ) -> Result<Option<String>, NotifyError> {
        let to = self.recipients(kind);
        if to.is_empty() {
            return Ok(None);
        }
        self.send_email(to, reply_to, email, Some(id), kind)
            .await
            .map(Some)
    }

    /// Sends the weekly summary to staff.
    pub async fn send_summary(&self, email: &Email) -> Result<String, NotifyError> {
        self.send_email(&self.to, &[], email, None, EmailKind::Summary)
            .await
    }

    /// Sends the review digest to staff.
    pub async fn send_digest(&self, email: &Email) -> Result<String, NotifyError> {
        self.send_email(&self.to, &[], email, None, EmailKind::Digest)
            .await
    }

    /// Sends the heartbeat probe's email, tagged with the probe's id.
    pub async fn send_heartbeat(
        &self,
        to: &[EmailAddress],
        email: &Email,
        id: SubmissionId,
    ) -> Result<String, NotifyError> {
        self.send_email(to, &[], email, Some(id), EmailKind::Heartbeat)
            .await
    }

    /// Sends `doctor --send-test`'s notification to staff, tagged with its id.
    pub async fn send_test(&self, email: &Email, id: SubmissionId) -> Result<String, NotifyError> {
        self.send_email(&self.to, &[], email, Some(id), EmailKind::Test)
            .await
    }

    /// Sends an account email (an invite, a notice) to staff members' own addresses.
    pub async fn send_account(
        &self,
        to: &[EmailAddress],
        email: &Email,
    ) -> Result<String, NotifyError> {
        self.send_email(to, &[], email, None, EmailKind::Account)
            .await
    }

    /// Sends the acknowledgement to the person, with replies going to the practice.
    pub async fn acknowledge(
        &self,
        person: &EmailAddress,
        email: &Email,
        id: SubmissionId,
    ) -> Result<String, NotifyError> {
        let person = std::slice::from_ref(person);
        let kind = EmailKind::Acknowledgement;
        self.send_email(person, &self.to[..1], email, Some(id), kind)
            .await
    }

    async fn send_email(
        &self,
        to: &[EmailAddress],
        reply_to: &[EmailAddress],
        email: &Email,
        id: Option<SubmissionId>,
        kind: EmailKind,
    ) -> Result<String, NotifyError> {
        let tag = |name: &str, value: &str| {
            MessageTag::builder()
                .name(name)
                .value(value)
                .build()
                .map_err(NotifyError::Build)
        };
        let mut tags = vec![tag(KIND_TAG, kind.as_str())?];
        if let Some(id) = id {
            tags.push(tag(SUBMISSION_TAG, &id.to_string())?);
        }
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
            .set_reply_to_addresses(
                (!reply_to.is_empty())
                    .then(|| reply_to.iter().map(|a| a.as_str().to_owned()).collect()),
            )
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(Some(tags))
            .send()
            .await
            .map_err(AwsError::of("SES", "SendEmail"))?;
        Ok(output.message_id.unwrap_or_default())
    }
}
