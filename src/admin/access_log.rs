//! `consultation-admin access-log [--request REF] [--staff EMAIL] [--since DATE] [--csv]`: the
//! access log, by request (list views that showed it included), by person, or since a date,
//! newest first. It names staff and operators, never a person who wrote in.

use super::{Admin, AdminError, csv_safe};
use crate::access_log::{AccessLog, Action, Actor, LogQuery};
use crate::domain::{EmailAddress, SubmissionId};
use crate::staff::Staff;
use chrono::{DateTime, Duration, Utc};
use std::io::Write;

/// Which entries to print.
pub struct LogFilter {
    pub request: Option<String>,
    /// A staff member's address, or `operator:<ARN>`.
    pub staff: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub csv: bool,
}

const COLUMNS: [&str; 8] = [
    "at", "who", "name", "action", "refs", "detail", "browser", "client",
];

impl Admin<'_> {
    pub async fn access_log(
        &self,
        filter: &LogFilter,
        out: &mut dyn Write,
    ) -> Result<usize, AdminError> {
        let config = self.app.config();
        let log = config.access_log.as_ref().ok_or_else(|| {
            AdminError::Usage(
                "the stack has no access log (ACCESS_LOG_TABLE_NAME is not set)".into(),
            )
        })?;
        let log = AccessLog::new(self.app.dynamodb().clone(), log.table.clone(), log.days);
        let staff = config
            .console
            .as_ref()
            .map(|c| Staff::new(self.app.dynamodb().clone(), c.staff_table.clone()));
        let members = match &staff {
            Some(staff) => staff.members().await?,
            None => Vec::new(),
        };
        let now = Utc::now();
        let since = filter.since.unwrap_or(now - Duration::days(30));
        let query = match (&filter.request, &filter.staff) {
            (Some(id), _) => LogQuery::Request(
                SubmissionId::parse(id)
                    .ok_or_else(|| AdminError::Usage(format!("`{id}` is not a request id")))?,
            ),
            (None, Some(who)) if who.starts_with("operator:") => LogQuery::Who {
                who: who.clone(),
                since,
            },
            (None, Some(email)) => {
                let email = EmailAddress::parse(email.trim()).map_err(|_| {
                    AdminError::Usage("--staff: an email address or operator:<ARN>".into())
                })?;
                let member = members.iter().find(|m| m.email == email).ok_or_else(|| {
                    AdminError::Usage(format!(
                        "no staff member has the address {}",
                        email.as_str()
                    ))
                })?;
                LogQuery::Who {
                    who: member.id.to_string(),
                    since,
                }
            }
            (None, None) => LogQuery::Since(since),
        };
        self.record(Action::AccessLogRead, []).await?;
        let entries = log.read(&query, now, usize::MAX).await?;
        let name_of = |who: &Actor| match who {
            Actor::Staff(id) => members
                .iter()
                .find(|m| m.id.to_string() == *id)
                .map(|m| format!("{} <{}>", m.name, m.email.as_str()))
                .unwrap_or_default(),
            Actor::Operator(_) => String::new(),
        };
        let rows = entries.iter().map(|e| {
            [
                crate::store::rfc3339(e.at),
                e.who.key(),
                name_of(&e.who),
                e.action.as_str().to_owned(),
                e.refs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                e.detail.clone().unwrap_or_default(),
                e.browser.clone().unwrap_or_default(),
                e.client.clone().unwrap_or_default(),
            ]
        });
        if filter.csv {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(COLUMNS)?;
            for row in rows {
                writer.write_record(row.iter().map(|v| csv_safe(v)))?;
            }
            writer.flush()?;
        } else {
            for row in rows {
                writeln!(
                    out,
                    "{}  {:<22}  {}  {}  {}",
                    row[0], row[3], row[1], row[4], row[5]
                )?;
            }
        }
        Ok(entries.len())
    }
}
