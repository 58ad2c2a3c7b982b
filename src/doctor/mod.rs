//! `consultation-admin doctor`: whether a deployed stack is ready for its first real request,
//! one line per check — pass, fail (with the fix in a sentence) or could not check (never shown
//! as a pass). Each verdict is a pure function of what AWS answered (`verdicts`); this module
//! only asks.

mod command;
mod console;
mod dns;
mod send_test;
#[cfg(test)]
mod tests;
pub mod verdicts;

pub use command::from_command_line;
pub use send_test::{SendTestError, send_test};

use crate::aws::AwsError;
use crate::config::Config;
use crate::stack::StackSettings;
use crate::store::Store;
use chrono::{DateTime, Utc};

/// A check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass(String),
    Fail { found: String, fix: String },
    CouldNotCheck(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub name: &'static str,
    pub verdict: Verdict,
}

impl std::fmt::Display for CheckLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.verdict {
            Verdict::Pass(text) => write!(f, "pass            {}: {text}", self.name),
            Verdict::Fail { found, fix } => {
                write!(
                    f,
                    "FAIL            {}: {found}.\n                Fix: {fix}.",
                    self.name
                )
            }
            Verdict::CouldNotCheck(why) => write!(f, "could not check {}: {why}", self.name),
        }
    }
}

/// What the report's exit status says: 0 every check passed, 1 one failed, 3 none failed but
/// some could not be checked.
pub fn exit_status(lines: &[CheckLine]) -> u8 {
    if lines
        .iter()
        .any(|l| matches!(l.verdict, Verdict::Fail { .. }))
    {
        1
    } else if lines
        .iter()
        .any(|l| matches!(l.verdict, Verdict::CouldNotCheck(_)))
    {
        3
    } else {
        0
    }
}

/// An AWS error as a check that could not be made: which call, and why (access denied names the
/// policy to use).
pub fn could_not(error: &AwsError) -> Verdict {
    let why = match error.code() {
        Some("AccessDeniedException" | "AccessDenied" | "AuthorizationError") => {
            " (access denied: use the credentials of the stack's FrontDeskPolicy)".to_owned()
        }
        _ => String::new(),
    };
    Verdict::CouldNotCheck(format!("{error}{why}"))
}

/// Everything the checks read, and the clients they ask.
pub struct Doctor<'a> {
    pub config: &'a Config,
    pub stack: &'a StackSettings,
    pub store: &'a Store,
    /// Every address the stack sends to: staff, clinicians, escalation, fallback, heartbeat.
    pub addresses: Vec<String>,
    /// `HEARTBEAT_TO` is set: the last probe's fate is a check.
    pub heartbeat_on: bool,
    pub sesv2: aws_sdk_sesv2::Client,
    pub ses: aws_sdk_ses::Client,
    pub sns: aws_sdk_sns::Client,
    pub scheduler: aws_sdk_scheduler::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub acm: aws_sdk_acm::Client,
    /// `DNS_SERVER`: the DNS server to ask instead of the system's.
    pub dns_server: Option<String>,
}

/// The schedule the template names after its stack.
pub fn schedule_name(stack: &str) -> String {
    format!("{stack}-scheduled-run")
}

impl Doctor<'_> {
    /// Runs every check, in the order a practice fixes things.
    pub async fn run(&self, now: DateTime<Utc>) -> Vec<CheckLine> {
        let mut lines = vec![
            line("SES production access", self.production_access().await),
            line("Sender identity", self.sender_identity().await),
            line("Suppression list", self.suppression().await),
            line("SES events to the function", self.event_destination().await),
            line("Alarm subscription", self.alarm_subscription().await),
            line("Scheduled run", self.schedule().await),
            line("Secrets", self.secrets().await),
            line("Table backups and expiry", self.table().await),
        ];
        // Each record `consultation-admin dns` lists, asked of DNS (a deployed stack's only).
        if !self.stack.name.is_empty() {
            lines.extend(self.dns().await);
        }
        let minimal = self.config.staff_email_content == crate::config::StaffEmailContent::Minimal;
        if let Some(domain) = &self.config.reply_tracking_domain {
            let verdict = if minimal {
                console::reply_tracking_off()
            } else {
                self.receipt_rule(domain).await
            };
            lines.push(line("Reply tracking", verdict));
        }
        if self.heartbeat_on {
            let verdict = match self.store.probe_state().await {
                Ok(state) => verdicts::heartbeat(state.as_ref(), now),
                Err(error) => Verdict::CouldNotCheck(error.to_string()),
            };
            lines.push(line("Heartbeat", verdict));
        }
        if let Some(verdict) = self.console().await {
            lines.push(line("Staff console", verdict));
        }
        lines
    }

    async fn dns(&self) -> Vec<CheckLine> {
        let answers = crate::dns::ask_aws(&self.sesv2, &self.acm, self.stack).await;
        let lookup = crate::dns::DnsLookup::new(self.dns_server.as_deref());
        dns::lines(answers, lookup).await
    }

    async fn production_access(&self) -> Verdict {
        let account = match self.sesv2.get_account().send().await {
            Ok(account) => account,
            Err(e) => return could_not(&AwsError::of("SES", "GetAccount")(e)),
        };
        // In the sandbox SES sends only to verified identities: every address the stack sends to
        // (staff, escalation, fallback, the heartbeat's) must be one.
        let mut unverified = Vec::new();
        if !account.production_access_enabled() {
            for address in &self.addresses {
                // The address's own identity, else its domain's (asked only when needed).
                let domain = address.rsplit('@').next().unwrap_or_default();
                let verified = self.verified(address).await || self.verified(domain).await;
                if !verified {
                    unverified.push(address.clone());
                }
            }
        }
        verdicts::production_access(&account, &unverified, self.config.send_acknowledgement)
    }

    /// Whether SES may send to `identity` from the sandbox (an unknown one may not).
    async fn verified(&self, identity: &str) -> bool {
        let answer = self
            .sesv2
            .get_email_identity()
            .email_identity(identity)
            .send()
            .await;
        answer.is_ok_and(|i| i.verified_for_sending_status())
    }

    async fn sender_identity(&self) -> Verdict {
        let from = self.config.notify_from.as_str();
        let name = self
            .stack
            .output("SenderIdentityName")
            .unwrap_or_else(|| from.rsplit('@').next().unwrap_or(from))
            .to_owned();
        match self
            .sesv2
            .get_email_identity()
            .email_identity(&name)
            .send()
            .await
        {
            Ok(identity) => verdicts::sender_identity(&name, &identity),
            Err(e) => {
                let error = AwsError::of("SES", "GetEmailIdentity")(e);
                if error.code() == Some("NotFoundException") {
                    Verdict::Fail {
                        found: format!("no SES identity {name}: nothing can be sent from {from}"),
                        fix:
                            "deploy the stack's template (it creates the identity), then verify it"
                                .to_owned(),
                    }
                } else {
                    could_not(&error)
                }
            }
        }
    }

    async fn suppression(&self) -> Verdict {
        let mut suppressed = Vec::new();
        for address in &self.addresses {
            match self
                .sesv2
                .get_suppressed_destination()
                .email_address(address)
                .send()
                .await
            {
                Ok(found) => {
                    if let Some(destination) = found.suppressed_destination {
                        suppressed.push((address.clone(), destination));
                    }
                }
                Err(e) => {
                    let error = AwsError::of("SES", "GetSuppressedDestination")(e);
                    if error.code() != Some("NotFoundException") {
                        return could_not(&error);
                    }
                }
            }
        }
        verdicts::suppression(self.addresses.len(), &suppressed)
    }

    async fn event_destination(&self) -> Verdict {
        let Some(set) = self.config.ses_configuration_set.as_deref() else {
            return verdicts::event_destination(None, &[]);
        };
        match self
            .sesv2
            .get_configuration_set_event_destinations()
            .configuration_set_name(set)
            .send()
            .await
        {
            Ok(answer) => verdicts::event_destination(Some(set), answer.event_destinations()),
            Err(e) => could_not(&AwsError::of("SES", "GetConfigurationSetEventDestinations")(e)),
        }
    }

    async fn alarm_subscription(&self) -> Verdict {
        let Some(topic) = self.stack.output("AlarmTopicArn") else {
            return Verdict::CouldNotCheck("the stack has no AlarmTopicArn output".to_owned());
        };
        match self
            .sns
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .send()
            .await
        {
            Ok(answer) => verdicts::alarm_subscription(answer.subscriptions()),
            Err(e) => could_not(&AwsError::of("SNS", "ListSubscriptionsByTopic")(e)),
        }
    }

    async fn schedule(&self) -> Verdict {
        let name = schedule_name(&self.stack.name);
        match self.scheduler.get_schedule().name(&name).send().await {
            Ok(schedule) => verdicts::schedule(&name, schedule.state()),
            Err(e) => {
                let error = AwsError::of("Scheduler", "GetSchedule")(e);
                if error.code() == Some("ResourceNotFoundException") {
                    verdicts::schedule(&name, None)
                } else {
                    could_not(&error)
                }
            }
        }
    }

    async fn secrets(&self) -> Verdict {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for source in self.config.secret_arns.sources() {
            match self
                .secrets
                .describe_secret()
                .secret_id(source.arn.as_str())
                .send()
                .await
            {
                Ok(secret) => found.push((
                    source.variable.to_owned(),
                    secret
                        .deleted_date()
                        .and_then(|d| DateTime::from_timestamp(d.secs(), 0)),
                )),
                Err(e) => {
                    let error = AwsError::of("Secrets Manager", "DescribeSecret")(e);
                    if error.code() == Some("ResourceNotFoundException") {
                        missing.push(source.variable.to_owned());
                    } else {
                        return could_not(&error);
                    }
                }
            }
        }
        if found.is_empty() && missing.is_empty() {
            return Verdict::CouldNotCheck(
                "the function names no secret by ARN (a local run?)".to_owned(),
            );
        }
        verdicts::secrets(&found, &missing)
    }

    async fn table(&self) -> Verdict {
        let table = &self.config.table_name;
        let backups = match self
            .dynamodb
            .describe_continuous_backups()
            .table_name(table)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(e) => return could_not(&AwsError::of("DynamoDB", "DescribeContinuousBackups")(e)),
        };
        let ttl = match self
            .dynamodb
            .describe_time_to_live()
            .table_name(table)
            .send()
            .await
        {
            Ok(answer) => answer,
            Err(e) => return could_not(&AwsError::of("DynamoDB", "DescribeTimeToLive")(e)),
        };
        let pitr = backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str());
        let ttl = ttl.time_to_live_description();
        verdicts::table(
            pitr,
            ttl.and_then(|t| t.time_to_live_status())
                .map(|s| s.as_str()),
            ttl.and_then(|t| t.attribute_name()),
        )
    }

    async fn receipt_rule(&self, domain: &str) -> Verdict {
        match self.ses.describe_active_receipt_rule_set().send().await {
            Ok(active) => verdicts::receipt_rule(
                domain,
                self.stack.output("ReplyReceiptRuleSetName"),
                active.metadata().and_then(|m| m.name()),
                active.rules(),
            ),
            Err(e) => could_not(&AwsError::of("SES", "DescribeActiveReceiptRuleSet")(e)),
        }
    }
}

fn line(name: &'static str, verdict: Verdict) -> CheckLine {
    CheckLine { name, verdict }
}
