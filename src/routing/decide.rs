//! The routing decision, pure: among the clinicians who accept new clients and match every answer
//! the practice routes on (an unanswered optional question matches everyone), the one with the
//! fewest open requests, ties to the one assigned longest ago; nobody matches: nobody, for the
//! front desk. With the reason staff read on the request's page.

use crate::domain::KeptAnswer;
use crate::questions::{ProfileField, QuestionSet};
use crate::staff::ClinicianProfile;
use chrono::{DateTime, Utc};

/// A clinician as routing sees them.
#[derive(Debug, Clone)]
pub struct Clinician<'a> {
    pub id: String,
    pub profile: &'a ClinicianProfile,
    /// Their open requests now.
    pub open: usize,
    pub last_assigned: Option<DateTime<Utc>>,
}

/// Who gets a request, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub assignee: Option<String>,
    /// In the practice's words, with nothing personal: "matched 2 of 5: licensed in IL, takes
    /// Blue Cross Blue Shield; fewest open (1)".
    pub reason: String,
    /// No clinician is licensed in the person's region: its name, for the kind answer.
    pub out_of_area: Option<String>,
}

/// One answer routing matches: the profile field, the values, and how the reason says it.
struct Criterion<'a> {
    field: ProfileField,
    values: &'a [String],
    words: String,
    shown: &'a str,
}

/// The decision for a request with these answers; `None` when the practice has no clinicians
/// (routing is not in use, and nothing changes for anyone).
pub fn decide(
    answers: &[KeptAnswer],
    set: &QuestionSet,
    clinicians: &[Clinician<'_>],
) -> Option<Decision> {
    if clinicians.is_empty() {
        return None;
    }
    let criteria: Vec<Criterion<'_>> = answers
        .iter()
        .filter(|a| !a.personal && !a.values.is_empty())
        .filter_map(|answer| {
            let question = set.all().iter().find(|q| q.id() == answer.id)?;
            let field = question.routes_on?;
            let words = match field {
                ProfileField::Regions => format!("licensed in {}", answer.values.join(", ")),
                ProfileField::Payers => format!("takes {}", answer.shown),
                ProfileField::ClientTypes => format!("sees {}", answer.shown),
                ProfileField::Languages => format!("speaks {}", answer.shown),
            };
            Some(Criterion {
                field,
                values: &answer.values,
                words,
                shown: &answer.shown,
            })
        })
        .collect();
    let fits = |c: &Clinician<'_>, criterion: &Criterion<'_>| {
        let offered = c.profile.values(criterion.field);
        criterion.values.iter().all(|v| offered.contains(v))
    };
    let region = criteria.iter().find(|c| c.field == ProfileField::Regions);
    let out_of_area = region
        .filter(|r| !clinicians.iter().any(|c| fits(c, r)))
        .map(|r| r.shown.to_owned());
    let accepting: Vec<&Clinician<'_>> =
        clinicians.iter().filter(|c| c.profile.accepting).collect();
    let mut matched: Vec<&Clinician<'_>> = accepting
        .iter()
        .copied()
        .filter(|c| criteria.iter().all(|criterion| fits(c, criterion)))
        .collect();
    let words = if criteria.is_empty() {
        "nothing to route on".to_owned()
    } else {
        criteria
            .iter()
            .map(|c| c.words.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Fewest open; then the one assigned longest ago (never: longest of all); then the oldest id.
    matched.sort_by(|a, b| (a.open, a.last_assigned, &a.id).cmp(&(b.open, b.last_assigned, &b.id)));
    let Some(chosen) = matched.first() else {
        let reason = match (&out_of_area, accepting.is_empty()) {
            (Some(region), _) => format!("no clinician for {region}"),
            (None, true) => "no clinician accepts new clients".to_owned(),
            (None, false) => format!("matched 0 of {}: {words}", accepting.len()),
        };
        return Some(Decision {
            assignee: None,
            reason,
            out_of_area,
        });
    };
    let tied = matched.iter().filter(|c| c.open == chosen.open).count() > 1;
    let reason = format!(
        "matched {} of {}: {words}; fewest open ({}){}",
        matched.len(),
        accepting.len(),
        chosen.open,
        if tied { ", assigned longest ago" } else { "" }
    );
    Some(Decision {
        assignee: Some(chosen.id.clone()),
        reason,
        out_of_area: None,
    })
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
