//! A clinician's profile: the regions they are licensed in, the payers they take, the clients
//! they see, their languages, and whether they accept new clients now. Kept on the member's item
//! (`profile` map); its values are those the practice's questions route on.

use super::writes::Refusal;
use super::{Item, Staff, StaffError, StaffId};
use crate::questions::{ProfileField, QuestionSet};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};

/// A clinician's profile, valid against the questions it was checked with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClinicianProfile {
    values: BTreeMap<&'static str, Vec<String>>,
    pub accepting: bool,
}

/// Why a profile was refused: the field, and each value that is not one the practice uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileProblem {
    pub field: ProfileField,
    pub unknown: Vec<String>,
}

impl ClinicianProfile {
    /// Checks each field's values against what `set` routes on: a US state or territory for
    /// regions, one of the routing question's choices for the others. Values are kept once, in
    /// the order the practice lists them.
    pub fn parse(
        given: &[(ProfileField, Vec<String>)],
        accepting: bool,
        set: &QuestionSet,
    ) -> Result<Self, Vec<ProfileProblem>> {
        let mut profile = Self {
            values: BTreeMap::new(),
            accepting,
        };
        let mut problems = Vec::new();
        for (field, values) in given {
            let allowed = set.profile_values(*field);
            let normalise = |v: &String| match field {
                ProfileField::Regions => v.trim().to_ascii_uppercase(),
                _ => v.trim().to_owned(),
            };
            let given: Vec<String> = values
                .iter()
                .map(normalise)
                .filter(|v| !v.is_empty())
                .collect();
            let unknown: Vec<String> = given
                .iter()
                .filter(|v| !allowed.contains(v))
                .cloned()
                .collect();
            if !unknown.is_empty() {
                problems.push(ProfileProblem {
                    field: *field,
                    unknown,
                });
                continue;
            }
            let kept: Vec<String> = allowed.into_iter().filter(|a| given.contains(a)).collect();
            profile.values.insert(field.as_str(), kept);
        }
        if problems.is_empty() {
            Ok(profile)
        } else {
            Err(problems)
        }
    }

    /// The values of one field (none when not set).
    pub fn values(&self, field: ProfileField) -> &[String] {
        self.values.get(field.as_str()).map_or(&[], Vec::as_slice)
    }

    /// As kept on the member's item.
    pub(super) fn to_attribute(&self) -> AttributeValue {
        let mut map: HashMap<String, AttributeValue> = self
            .values
            .iter()
            .map(|(field, values)| {
                let list = values
                    .iter()
                    .map(|v| AttributeValue::S(v.clone()))
                    .collect();
                ((*field).to_owned(), AttributeValue::L(list))
            })
            .collect();
        map.insert("accepting".into(), AttributeValue::Bool(self.accepting));
        AttributeValue::M(map)
    }

    /// Read back as kept: values are not checked again (a question may have changed since), and
    /// routing only ever matches them against answers.
    pub(super) fn from_item(item: &Item) -> Self {
        let Some(AttributeValue::M(map)) = item.get(PROFILE) else {
            return Self::default();
        };
        let values = ProfileField::ALL
            .into_iter()
            .filter_map(|field| {
                let list = map.get(field.as_str())?.as_l().ok()?;
                let values = list.iter().filter_map(|v| v.as_s().ok().cloned()).collect();
                Some((field.as_str(), values))
            })
            .collect();
        Self {
            values,
            accepting: matches!(map.get("accepting"), Some(AttributeValue::Bool(true))),
        }
    }
}

const PROFILE: &str = "profile";

impl Staff {
    /// Replaces a member's profile (an admin's edit, or the operator tool's first setup).
    pub async fn set_profile(
        &self,
        id: StaffId,
        profile: &ClinicianProfile,
    ) -> Result<(), StaffError> {
        let write = super::members::member_update(
            self,
            id,
            "SET #profile = :profile",
            &[(":profile", profile.to_attribute())],
        )?;
        self.transact(vec![(write, Refusal::Gone)]).await
    }

    /// Whether a member accepts new clients now: the one part a clinician edits themselves,
    /// written alone so that it never undoes an admin's change to the rest made meanwhile.
    pub async fn set_accepting(&self, id: StaffId, accepting: bool) -> Result<(), StaffError> {
        let member = self
            .member(id)
            .await?
            .ok_or_else(|| StaffError::NoSuchMember(id.to_string()))?;
        if member.profile == ClinicianProfile::default() {
            // Nothing set yet (an empty profile reads as this too): nothing to undo.
            let profile = ClinicianProfile {
                accepting,
                ..ClinicianProfile::default()
            };
            return self.set_profile(id, &profile).await;
        }
        let only = super::members::member_update(
            self,
            id,
            "SET #profile.accepting = :accepting",
            &[(":accepting", AttributeValue::Bool(accepting))],
        )?;
        self.transact(vec![(only, Refusal::Gone)]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> QuestionSet {
        QuestionSet::parse(crate::questions::SHIPPED_SOURCE).unwrap()
    }

    #[test]
    fn a_profile_holds_only_what_the_practice_routes_on() {
        let profile = ClinicianProfile::parse(
            &[
                (
                    ProfileField::Regions,
                    vec!["wi".into(), "IL".into(), "IL".into()],
                ),
                (ProfileField::Payers, vec!["bcbs".into(), "self_pay".into()]),
            ],
            true,
            &set(),
        )
        .unwrap();
        assert_eq!(profile.values(ProfileField::Regions), ["IL", "WI"]);
        assert_eq!(profile.values(ProfileField::Payers), ["self_pay", "bcbs"]);
        assert!(profile.values(ProfileField::ClientTypes).is_empty());
        let item = Item::from([(PROFILE.to_owned(), profile.to_attribute())]);
        assert_eq!(ClinicianProfile::from_item(&item), profile);
    }

    #[test]
    fn an_unknown_region_or_payer_is_named() {
        let problems = ClinicianProfile::parse(
            &[
                (
                    ProfileField::Regions,
                    vec!["IL".into(), "ZZ".into(), "outside:FR".into()],
                ),
                (ProfileField::Payers, vec!["kaiser".into()]),
            ],
            false,
            &set(),
        )
        .unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].unknown, ["ZZ", "OUTSIDE:FR"]);
        assert_eq!(problems[1].field, ProfileField::Payers);
        assert_eq!(problems[1].unknown, ["kaiser"]);
    }
}
