//! The WebAuthn ceremonies, through webauthn-rs (no signature checking of our own): registering
//! a passkey (user verification required, a discoverable credential, `none` attestation
//! accepted), signing in with any of the practice's passkeys (discoverable, so no address is
//! typed first), and a step-up with one of the signed-in member's own. The relying party is
//! `STAFF_RP_ID`; the origin must be the console's exactly.
//!
//! The ceremony's state is serialised to JSON and kept server-side (`sessions.rs`), never sent to
//! the browser.

use super::passkeys::{PasskeyRecord, credential_id};
use super::{Member, StaffId};
use url::Url;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Webauthn, WebauthnBuilder,
};
use webauthn_rs_proto::ResidentKeyRequirement;

/// Which ceremony a kept state belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyKind {
    Register,
    SignIn,
    StepUp,
}

impl CeremonyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SignIn => "sign-in",
            Self::StepUp => "step-up",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Register, Self::SignIn, Self::StepUp]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A ceremony's state between its two requests.
#[derive(Debug, Clone)]
pub struct PendingCeremony {
    pub kind: CeremonyKind,
    /// webauthn-rs's state, as JSON.
    pub state: String,
    /// Whose registration or step-up it is.
    pub member: Option<StaffId>,
    /// The invite a registration came by (its hash).
    pub invite: Option<String>,
    /// Where to go after signing in (a console path, checked when it was asked for).
    pub return_to: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CeremonyError {
    #[error("STAFF_RP_ID {rp_id} is not the console's host or a suffix of it")]
    RelyingParty { rp_id: String },
    /// Anything the library refused: a signature, the origin, the challenge, user verification.
    #[error("the passkey check failed: {0}")]
    Refused(String),
    #[error("the browser's answer could not be read")]
    Unreadable,
}

/// The practice's relying party.
pub struct Ceremonies {
    webauthn: Webauthn,
    rp_id: String,
}

impl std::fmt::Debug for Ceremonies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ceremonies")
            .field("rp_id", &self.rp_id)
            .finish()
    }
}

fn refused(error: impl std::fmt::Display) -> CeremonyError {
    CeremonyError::Refused(error.to_string())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CeremonyError> {
    serde_json::to_string(value).map_err(refused)
}

impl Ceremonies {
    pub fn new(rp_id: &str, origin: &Url, practice: &str) -> Result<Self, CeremonyError> {
        let webauthn = WebauthnBuilder::new(rp_id, origin)
            .and_then(|b| b.rp_name(practice).build())
            .map_err(|_| CeremonyError::RelyingParty {
                rp_id: rp_id.to_owned(),
            })?;
        Ok(Self {
            webauthn,
            rp_id: rp_id.to_owned(),
        })
    }

    pub fn rp_id(&self) -> &str {
        &self.rp_id
    }

    /// The options for `navigator.credentials.create` (JSON) and the state to keep. The
    /// credential must be discoverable, so sign-in needs no address typed first.
    pub fn start_registration(
        &self,
        member: &Member,
        existing: &[PasskeyRecord],
    ) -> Result<(String, String), CeremonyError> {
        let exclude = existing
            .iter()
            .map(|r| r.passkey.cred_id().clone())
            .collect::<Vec<_>>();
        let (mut options, state) = self
            .webauthn
            .start_passkey_registration(
                member.id.uuid(),
                member.email.as_str(),
                &member.name,
                Some(exclude),
            )
            .map_err(refused)?;
        // webauthn-rs asks for `residentKey: discouraged`; a passkey here must be discoverable.
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        Ok((to_json(&options)?, to_json(&state)?))
    }

    /// Checks the browser's answer against the kept state: the new passkey.
    pub fn finish_registration(
        &self,
        state: &str,
        response: &str,
    ) -> Result<Passkey, CeremonyError> {
        let state: PasskeyRegistration =
            serde_json::from_str(state).map_err(|_| CeremonyError::Unreadable)?;
        let response: RegisterPublicKeyCredential =
            serde_json::from_str(response).map_err(|_| CeremonyError::Unreadable)?;
        self.webauthn
            .finish_passkey_registration(&response, &state)
            .map_err(refused)
    }

    /// Options for signing in with any passkey of the practice (the browser offers them, and
    /// its autofill where it has one).
    pub fn start_sign_in(&self) -> Result<(String, String), CeremonyError> {
        let (options, state) = self
            .webauthn
            .start_discoverable_authentication()
            .map_err(refused)?;
        Ok((to_json(&options)?, to_json(&state)?))
    }

    /// Whose passkey the browser's answer says it used: the member and the credential id,
    /// before anything is checked (the check needs the stored passkey).
    pub fn identify(
        &self,
        response: &str,
    ) -> Result<(StaffId, String, PublicKeyCredential), CeremonyError> {
        let credential: PublicKeyCredential =
            serde_json::from_str(response).map_err(|_| CeremonyError::Unreadable)?;
        let (user, id) = self
            .webauthn
            .identify_discoverable_authentication(&credential)
            .map_err(refused)?;
        let id = credential_id(id);
        Ok((StaffId::from_uuid(user), id, credential))
    }

    /// Checks a sign-in against the kept state and the stored passkey, whose counter and flags
    /// it updates.
    pub fn finish_sign_in(
        &self,
        state: &str,
        credential: &PublicKeyCredential,
        record: &mut PasskeyRecord,
    ) -> Result<(), CeremonyError> {
        let state: DiscoverableAuthentication =
            serde_json::from_str(state).map_err(|_| CeremonyError::Unreadable)?;
        let result = self
            .webauthn
            .finish_discoverable_authentication_v2(credential, state, &record.passkey)
            .map_err(refused)?;
        if !result.user_verified() {
            return Err(CeremonyError::Refused("no user verification".into()));
        }
        record.passkey.update_credential(&result);
        Ok(())
    }

    /// Options for a step-up with one of the member's own passkeys.
    pub fn start_step_up(
        &self,
        passkeys: &[PasskeyRecord],
    ) -> Result<(String, String), CeremonyError> {
        let keys: Vec<Passkey> = passkeys.iter().map(|r| r.passkey.clone()).collect();
        let (options, state) = self
            .webauthn
            .start_passkey_authentication(&keys)
            .map_err(refused)?;
        Ok((to_json(&options)?, to_json(&state)?))
    }

    /// Checks a step-up: which of `passkeys` it used (updated).
    pub fn finish_step_up(
        &self,
        state: &str,
        response: &str,
        passkeys: &mut [PasskeyRecord],
    ) -> Result<usize, CeremonyError> {
        let state: PasskeyAuthentication =
            serde_json::from_str(state).map_err(|_| CeremonyError::Unreadable)?;
        let credential: PublicKeyCredential =
            serde_json::from_str(response).map_err(|_| CeremonyError::Unreadable)?;
        let result = self
            .webauthn
            .finish_passkey_authentication(&credential, &state)
            .map_err(refused)?;
        if !result.user_verified() {
            return Err(CeremonyError::Refused("no user verification".into()));
        }
        let used = passkeys
            .iter()
            .position(|r| r.passkey.cred_id() == result.cred_id())
            .ok_or_else(|| CeremonyError::Refused("not one of this member's passkeys".into()))?;
        passkeys[used].passkey.update_credential(&result);
        Ok(used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> Member {
        Member {
            id: StaffId::new(chrono::Utc::now()),
            email: crate::domain::EmailAddress::parse("ana@practice.example").unwrap(),
            name: "Ana".into(),
            role: super::super::Role::Admin,
            created_at: chrono::Utc::now(),
            removed_at: None,
            invite: None,
            profile: Default::default(),
        }
    }

    #[test]
    fn the_relying_party_must_be_the_consoles_host_or_a_suffix_of_it() {
        let origin = Url::parse("https://staff.practice.example").unwrap();
        assert!(Ceremonies::new("practice.example", &origin, "Practice").is_ok());
        assert!(Ceremonies::new("staff.practice.example", &origin, "Practice").is_ok());
        assert!(Ceremonies::new("other.example", &origin, "Practice").is_err());
        let local = Url::parse("http://localhost:3000").unwrap();
        assert!(Ceremonies::new("localhost", &local, "Practice").is_ok());
    }

    #[test]
    fn registration_asks_for_a_discoverable_credential_and_user_verification() {
        let origin = Url::parse("https://staff.practice.example").unwrap();
        let ceremonies = Ceremonies::new("staff.practice.example", &origin, "Practice").unwrap();
        let (options, state) = ceremonies.start_registration(&member(), &[]).unwrap();
        let options: serde_json::Value = serde_json::from_str(&options).unwrap();
        let selection = &options["publicKey"]["authenticatorSelection"];
        assert_eq!(selection["residentKey"], "required", "{options}");
        assert_eq!(selection["requireResidentKey"], true);
        assert_eq!(selection["userVerification"], "required");
        assert_eq!(options["publicKey"]["attestation"], "none");
        assert_eq!(options["publicKey"]["rp"]["id"], "staff.practice.example");
        assert!(!state.is_empty());
    }

    #[test]
    fn an_answer_that_is_not_a_credential_is_unreadable() {
        let origin = Url::parse("https://staff.practice.example").unwrap();
        let ceremonies = Ceremonies::new("staff.practice.example", &origin, "Practice").unwrap();
        let (_, state) = ceremonies.start_sign_in().unwrap();
        assert!(matches!(
            ceremonies.identify("{}"),
            Err(CeremonyError::Unreadable)
        ));
        let (_, registration) = ceremonies.start_registration(&member(), &[]).unwrap();
        assert!(matches!(
            ceremonies.finish_registration(&registration, "not json"),
            Err(CeremonyError::Unreadable)
        ));
        assert!(!state.is_empty());
    }
}
