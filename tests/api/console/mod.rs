//! The staff console through the function's own entry (`lambda::route`), on the console's host,
//! with a software passkey: sign-in and its refusals, sessions, the pages, the access log.

mod access_log;
mod ceremonies;
mod minimal;
mod navigation;
mod pages;
mod sessions;
mod operator;
mod routing;
mod staff;

use crate::helpers::{RequestSpec, SoftPasskey, TestApp, TestResponse};
use consultation_form::access_log::{AccessLog, Entry, LogQuery};
use consultation_form::console::ConsoleCell;
use consultation_form::domain::EmailAddress;
use consultation_form::http::envelope::request_from_event;
use consultation_form::staff::{Member, NewMember, Role, Staff};
use serde_json::Value;

pub const HOST: &str = "staff.practice.test";
pub const ORIGIN: &str = "https://staff.practice.test";

pub struct Console {
    pub test: TestApp,
    pub cell: ConsoleCell,
}

impl Console {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(overrides: &[(&str, &str)]) -> Self {
        let mut vars = vec![("STAFF_BASE_URL", ORIGIN), ("STAFF_RP_ID", HOST)];
        vars.extend_from_slice(overrides);
        Self {
            test: TestApp::spawn_with(&vars).await,
            cell: ConsoleCell::new(),
        }
    }

    /// A request as API Gateway hands it over from the console's host.
    pub async fn send(&self, spec: RequestSpec) -> TestResponse {
        let event = spec.on(HOST).event_json();
        let request = request_from_event(&event).expect("test event parses");
        TestResponse::from(
            consultation_form::lambda::route(&self.test.app, &self.cell, request).await,
        )
    }

    pub fn staff(&self) -> Staff {
        Staff::new(
            self.test.dynamodb.clone(),
            self.test.vars["STAFF_TABLE_NAME"].clone(),
        )
    }

    pub fn log(&self) -> AccessLog {
        AccessLog::new(
            self.test.dynamodb.clone(),
            self.test.vars["ACCESS_LOG_TABLE_NAME"].clone(),
            2190,
        )
    }

    /// Adds a member and an invite for them, as the operator tool does: the member and the
    /// invite's token.
    pub async fn invite(&self, email: &str, role: Role) -> (Member, String) {
        let staff = self.staff();
        let new = NewMember {
            email: EmailAddress::parse(email).unwrap(),
            name: format!("Staff {}", email.split('@').next().unwrap()),
            role,
        };
        let now = self.test.app.now();
        let member = match staff.member_by_email(&new.email).await.unwrap() {
            Some(member) => member,
            None => staff.add_member(&new, now).await.unwrap(),
        };
        let token = staff.issue_invite(member.id, now).await.unwrap();
        (member, token.as_str().to_owned())
    }

    /// A member with a registered passkey, signed in in a new browser.
    pub async fn signed_in(&self, email: &str, role: Role) -> (Browser<'_>, SoftPasskey, Member) {
        let (member, token) = self.invite(email, role).await;
        let mut browser = self.browser();
        let mut passkey = SoftPasskey::new(HOST);
        let registered = browser.register(&mut passkey, &token).await;
        assert_eq!(registered.status, 200, "{}", registered.body);
        (browser, passkey, member)
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            console: self,
            cookies: Vec::new(),
            origin: ORIGIN.to_owned(),
        }
    }

    /// Every access log entry since the test began, newest first.
    pub async fn entries(&self, query: LogQuery) -> Vec<Entry> {
        self.log()
            .read(
                &query,
                self.test.app.now() + chrono::Duration::days(2),
                usize::MAX,
            )
            .await
            .unwrap()
    }
}

/// A browser of the console: its cookie jar, and the origin its posts come from.
pub struct Browser<'a> {
    console: &'a Console,
    cookies: Vec<(String, String)>,
    pub origin: String,
}

impl Browser<'_> {
    fn request(&self, method: &str, path: &str) -> RequestSpec {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let cookies = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut spec = RequestSpec::new(method, path)
            .header("origin", if method == "POST" { &self.origin } else { "" })
            .header("cookie", &cookies)
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36",
            );
        spec.query = query.to_owned();
        spec
    }

    fn keep(&mut self, response: &TestResponse) {
        for value in response.headers.get_all("set-cookie") {
            let parsed = cookie::Cookie::parse(value.to_str().unwrap().to_owned()).unwrap();
            self.cookies.retain(|(n, _)| n != parsed.name());
            let expired = parsed.max_age().is_some_and(|age| age.is_zero());
            if !expired {
                self.cookies
                    .push((parsed.name().to_owned(), parsed.value().to_owned()));
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(n, _)| n != name);
        self.cookies.push((name.to_owned(), value.to_owned()));
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let response = self.console.send(self.request("GET", path)).await;
        self.keep(&response);
        response
    }

    /// A form post with the anti-forgery token of the last page (`csrf` is added when absent).
    pub async fn post_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        csrf: Option<&str>,
    ) -> TestResponse {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        if let Some(token) = csrf {
            body.append_pair("csrf", token);
        }
        let spec = self
            .request("POST", path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.finish().as_bytes());
        let response = self.console.send(spec).await;
        self.keep(&response);
        response
    }

    pub async fn post_json(
        &mut self,
        path: &str,
        body: &Value,
        csrf: Option<&str>,
    ) -> TestResponse {
        let spec = self
            .request("POST", path)
            .header("content-type", "application/json")
            .header("x-csrf-token", csrf.unwrap_or(""))
            .body(body.to_string().as_bytes());
        let response = self.console.send(spec).await;
        self.keep(&response);
        response
    }

    /// The invite's registration: options, the passkey's answer, the session.
    pub async fn register(&mut self, passkey: &mut SoftPasskey, token: &str) -> TestResponse {
        let options = self
            .post_json(
                &format!("/staff/invite/{token}/options"),
                &Value::Null,
                None,
            )
            .await;
        assert_eq!(options.status, 200, "{}", options.body);
        let answer = passkey.register(&options.json(), ORIGIN, Default::default());
        self.post_json(&format!("/staff/invite/{token}/register"), &answer, None)
            .await
    }

    /// Signing in: options, the passkey's answer (made as `answer` says), the session.
    pub async fn sign_in_with(
        &mut self,
        passkey: &mut SoftPasskey,
        answer: crate::helpers::PasskeyAnswer<'_>,
    ) -> TestResponse {
        let options = self
            .post_json("/staff/sign-in/options", &Value::Null, None)
            .await;
        assert_eq!(options.status, 200, "{}", options.body);
        let signed = passkey.assert(&options.json(), ORIGIN, answer);
        self.post_json("/staff/sign-in", &signed, None).await
    }

    pub async fn sign_in(&mut self, passkey: &mut SoftPasskey) -> TestResponse {
        self.sign_in_with(passkey, Default::default()).await
    }
}

/// The anti-forgery token a page's forms carry.
pub fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrf field in {page}"))
        .to_owned()
}

/// Whether a page is the sign-in page (and so shows nothing else).
pub fn is_sign_in(page: &TestResponse) -> bool {
    page.status == 200
        && page.body.contains("data-passkey=\"get\"")
        && page.body.contains("/staff/sign-in/options")
}

/// An admin with a registered passkey, written straight to a staff table (a deployed stack's,
/// for doctor's checks): registered through webauthn-rs as the console does.
pub async fn admin_with_passkey(staff: &Staff, rp_id: &str, origin: &str, email: &str) -> Member {
    use consultation_form::staff::{Ceremonies, PasskeyRecord};
    let now = chrono::Utc::now();
    let new = NewMember {
        email: EmailAddress::parse(email).unwrap(),
        name: "Practice Admin".to_owned(),
        role: Role::Admin,
    };
    let member = staff.add_member(&new, now).await.unwrap();
    let ceremonies = Ceremonies::new(rp_id, &url::Url::parse(origin).unwrap(), "Practice").unwrap();
    let (options, state) = ceremonies.start_registration(&member, &[]).unwrap();
    let mut passkey = SoftPasskey::new(rp_id);
    let options: Value = serde_json::from_str(&options).unwrap();
    let answer = passkey.register(&options, origin, Default::default());
    let registered = ceremonies
        .finish_registration(&state, &answer.to_string())
        .unwrap();
    let record = PasskeyRecord::new(member.id, registered, rp_id, now);
    staff.add_passkey(&record, None).await.unwrap();
    member
}
