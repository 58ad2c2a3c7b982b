//! The console's addresses, all under `/staff` on the console's own host. A `GET` only reads; every
//! change is a `POST`.

use crate::domain::SubmissionId;
use crate::staff::StaffId;
use lambda_http::http::Method;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /staff`: the requests (or the sign-in page).
    Home,
    Requests,
    Request(SubmissionId),
    FollowUp(SubmissionId),
    Note(SubmissionId),
    /// `POST /staff/requests/{id}/assign`: to a clinician, or back to nobody.
    Assign(SubmissionId),
    Erase(SubmissionId),
    Export(SubmissionId),
    Held,
    Release(SubmissionId),
    Account,
    PasskeyOptions,
    PasskeyAdd,
    PasskeyRemove(String),
    PasskeyRename(String),
    SessionEnd(String),
    Staff,
    Invite,
    StaffRemove(StaffId),
    StaffRole(StaffId),
    /// A clinician's profile: the form (`GET`) and its save (`POST`), admins only.
    StaffProfile(StaffId),
    StaffProfileSave(StaffId),
    /// `POST /staff/account/accepting`: a clinician accepts new clients, or stops.
    Accepting,
    AccessLog,
    SignInOptions,
    SignIn,
    SignOut,
    StepUpPage,
    StepUpOptions,
    StepUp,
    InvitePage(String),
    InviteOptions(String),
    InviteRegister(String),
    /// `POST /staff/search`: a person's requests by their address or phone (a post, so the term
    /// is in no address bar, history or log).
    Search,
    NotFound,
    /// A known address asked with the wrong method.
    MethodNotAllowed,
}

impl Route {
    /// The route of `path` (without the console's base path) asked with `method`.
    pub fn of(method: &Method, path: &str) -> Self {
        let path = path.strip_suffix('/').unwrap_or(path);
        let Some(rest) = path.strip_prefix("/staff") else {
            return Self::NotFound;
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        let get = *method == Method::GET || *method == Method::HEAD;
        let post = *method == Method::POST;
        let id = |text: &str| SubmissionId::parse(text);
        let (route, wants_get) = match parts.as_slice() {
            [] => (Self::Home, true),
            ["requests"] => (Self::Requests, true),
            ["requests", r] => match id(r) {
                Some(r) => (Self::Request(r), true),
                None => return Self::NotFound,
            },
            ["requests", r, action] => {
                let Some(r) = id(r) else {
                    return Self::NotFound;
                };
                let route = match *action {
                    "follow-up" => Self::FollowUp(r),
                    "notes" => Self::Note(r),
                    "assign" => Self::Assign(r),
                    "erase" => Self::Erase(r),
                    "export" => Self::Export(r),
                    _ => return Self::NotFound,
                };
                (route, false)
            }
            ["held"] => (Self::Held, true),
            ["held", r, "release"] => match id(r) {
                Some(r) => (Self::Release(r), false),
                None => return Self::NotFound,
            },
            ["account"] => (Self::Account, true),
            ["account", "passkeys", "options"] => (Self::PasskeyOptions, false),
            ["account", "passkeys"] => (Self::PasskeyAdd, false),
            ["account", "passkeys", c, "remove"] => (Self::PasskeyRemove((*c).to_owned()), false),
            ["account", "passkeys", c, "name"] => (Self::PasskeyRename((*c).to_owned()), false),
            ["account", "sessions", s, "end"] => (Self::SessionEnd((*s).to_owned()), false),
            ["account", "accepting"] => (Self::Accepting, false),
            ["staff"] => (Self::Staff, true),
            ["staff", "invite"] => (Self::Invite, false),
            ["staff", m, action] => {
                let Some(m) = StaffId::parse(m) else {
                    return Self::NotFound;
                };
                match *action {
                    "remove" => (Self::StaffRemove(m), false),
                    "role" => (Self::StaffRole(m), false),
                    "profile" if get => (Self::StaffProfile(m), true),
                    "profile" => (Self::StaffProfileSave(m), false),
                    _ => return Self::NotFound,
                }
            }
            ["access-log"] => (Self::AccessLog, true),
            ["sign-in", "options"] => (Self::SignInOptions, false),
            ["sign-in"] => (Self::SignIn, false),
            ["sign-out"] => (Self::SignOut, false),
            ["step-up"] if get => (Self::StepUpPage, true),
            ["step-up"] => (Self::StepUp, false),
            ["step-up", "options"] => (Self::StepUpOptions, false),
            ["invite", t] if get => (Self::InvitePage((*t).to_owned()), true),
            ["invite", t, "options"] => (Self::InviteOptions((*t).to_owned()), false),
            ["invite", t, "register"] => (Self::InviteRegister((*t).to_owned()), false),
            ["search"] => (Self::Search, false),
            _ => return Self::NotFound,
        };
        match (wants_get, get, post) {
            (true, true, _) | (false, _, true) => route,
            _ => Self::MethodNotAllowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let id = SubmissionId::new(chrono::Utc::now());
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(Route::of(&get, "/staff"), Route::Home);
        assert_eq!(Route::of(&get, "/staff/"), Route::Home);
        assert_eq!(
            Route::of(&get, &format!("/staff/requests/{id}")),
            Route::Request(id)
        );
        assert_eq!(
            Route::of(&post, &format!("/staff/requests/{id}/notes")),
            Route::Note(id)
        );
        assert_eq!(
            Route::of(&get, &format!("/staff/requests/{id}/notes")),
            Route::MethodNotAllowed
        );
        assert_eq!(Route::of(&post, "/staff/requests"), Route::MethodNotAllowed);
        assert_eq!(Route::of(&get, "/staff/step-up"), Route::StepUpPage);
        assert_eq!(Route::of(&post, "/staff/step-up"), Route::StepUp);
        assert_eq!(
            Route::of(&get, "/staff/invite/abc"),
            Route::InvitePage("abc".into())
        );
        for other in [
            "/",
            "/consultations",
            "/staffing",
            "/staff/requests/x",
            "/staff/nope",
        ] {
            assert_eq!(Route::of(&get, other), Route::NotFound, "{other}");
        }
    }
}
