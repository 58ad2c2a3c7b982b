//! The console's pages as data: each struct is what its template (`templates/console/`) shows,
//! every value escaped by askama. The words come from the console's catalogues through
//! `chrome.t`.

use super::pages::Chrome;
use askama::Template;

/// A page that says one thing (refused, not found, erased, an invite that no longer works).
#[derive(Template)]
#[template(path = "console/message.html")]
pub struct Message<'a> {
    pub chrome: Chrome<'a>,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}

/// A passkey ceremony's button: what the script needs to run it.
pub struct Ceremony {
    /// `create` (register a passkey) or `get` (sign in, step up).
    pub kind: &'static str,
    pub options: String,
    pub finish: String,
    pub label: String,
    /// Offer the browser's passkey autofill (sign-in).
    pub conditional: bool,
    pub failed: String,
}

/// Sign-in, an invite's registration, a step-up, adding a passkey: a lead and one button.
#[derive(Template)]
#[template(path = "console/ceremony.html")]
pub struct CeremonyPage<'a> {
    pub chrome: Chrome<'a>,
    pub lead: Vec<String>,
    pub failed: Option<String>,
    pub ceremony: Ceremony,
    /// The autofill's field (sign-in only).
    pub autofill_label: Option<String>,
    pub no_script: String,
}

/// One line of a list of requests.
pub struct Row {
    pub href: String,
    pub reference: String,
    pub name: String,
    pub received: String,
    pub urgent: bool,
    pub unverified: bool,
    pub state: String,
    pub assignee: String,
    pub reminder: String,
}

#[derive(Template)]
#[template(path = "console/requests.html")]
pub struct RequestsPage<'a> {
    pub chrome: Chrome<'a>,
    pub heading: String,
    pub rows: Vec<Row>,
    /// (value, label, selected) for the state filter.
    pub states: Vec<(String, String, bool)>,
    pub next: Option<String>,
    pub search_value: String,
    pub csrf: String,
    pub empty: String,
}

/// A label and a value of the summary list; `href` makes the value a link.
pub struct Fact {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

/// A line of a small table: cells as text.
pub type Line = Vec<String>;

#[derive(Template)]
#[template(path = "console/request.html")]
pub struct RequestPage<'a> {
    pub chrome: Chrome<'a>,
    pub facts: Vec<Fact>,
    pub urgent: bool,
    pub unverified: bool,
    pub state: String,
    /// (state value, label) of each follow-up button.
    pub buttons: Vec<(String, String)>,
    pub history: Vec<Line>,
    pub notes: Vec<Line>,
    pub note_value: String,
    pub note_error: Option<String>,
    pub assignment: Assignment,
    pub viewed_by: Vec<Line>,
    pub admin: bool,
    pub action: String,
    pub csrf: String,
}

/// One list of a clinician's profile, as checkboxes: (value, words, chosen).
pub struct ProfileField {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "console/profile.html")]
pub struct ProfilePage<'a> {
    pub chrome: Chrome<'a>,
    pub action: String,
    /// The regions as typed: USPS codes, comma-separated.
    pub regions: String,
    pub fields: Vec<ProfileField>,
    pub accepting: bool,
    pub csrf: String,
}

/// A request's assignment as its page shows it.
pub struct Assignment {
    /// The assignee's name; `None`: the front desk's.
    pub assignee: Option<String>,
    /// Routing's reason, when routing decided.
    pub reason: Option<String>,
    /// For the front desk and admins: (staff id or `nobody`, name, chosen) of each choice.
    pub choices: Vec<(String, String, bool)>,
    /// The clinician it is assigned to may hand it back.
    pub hand_back: bool,
}

#[derive(Template)]
#[template(path = "console/held.html")]
pub struct HeldPage<'a> {
    pub chrome: Chrome<'a>,
    /// (release action, reference, name, received, reason, urgent, already sent)
    pub rows: Vec<(String, String, String, String, String, bool, bool)>,
    pub csrf: String,
}

/// A passkey or a session of the signed-in person.
pub struct Owned {
    pub action: String,
    pub cells: Vec<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "console/account.html")]
pub struct AccountPage<'a> {
    pub chrome: Chrome<'a>,
    pub passkeys: Vec<Owned>,
    pub sessions: Vec<Owned>,
    pub add: Ceremony,
    pub csrf: String,
    /// A clinician's "accepting new clients", which they switch themselves.
    pub accepting: Option<bool>,
}

/// A staff member's line on the staff page.
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub active: bool,
    /// A clinician's profile on one line, with the link to edit it.
    pub profile: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "console/staff.html")]
pub struct StaffPage<'a> {
    pub chrome: Chrome<'a>,
    pub members: Vec<MemberRow>,
    /// (value, label) of each role.
    pub roles: Vec<(String, String)>,
    pub form: (String, String),
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "console/access_log.html")]
pub struct AccessLogPage<'a> {
    pub chrome: Chrome<'a>,
    pub lines: Vec<Line>,
    pub request: String,
    /// (staff id, name, selected)
    pub staff: Vec<(String, String, bool)>,
    pub since: String,
}
