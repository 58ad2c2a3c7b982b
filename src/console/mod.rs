//! The staff console: where staff work, under `/staff` on the console's own host only. Staff sign
//! in with a passkey (`ceremonies`), every page with a person's data and every change is written
//! to the access log first (`access`), and the pages are server-rendered HTML that works without
//! JavaScript except for the passkey ceremony itself: the requests and a search (`requests`), one
//! request and what can be done to it (`request_page`), what is held for review (`held`), a
//! person's own passkeys and sessions (`account`), and for admins the staff and the access log
//! (`admin_pages`).
//!
//! Nothing of it is built until the first console request: a form post never pays for it.

mod access;
mod account;
mod admin_pages;
mod assignment;
mod ceremonies;
mod held;
mod pages;
mod profile;
mod records;
mod request;
mod request_page;
mod requests;
mod route;
mod templates;

pub use request::is_console_host;

use crate::access_log::AccessLog;
use crate::app::App;
use crate::catalogues::{Catalogues, FileSet};
use crate::config::ConsoleConfig;
use crate::staff::{Ceremonies, Staff, StaffError};
use crate::store::StoreError;
use futures_util::FutureExt;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use pages::{Policy, Texts};
use request::ConsoleRequest;
use route::Route;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;
use std::time::Instant;

/// The session cookie: `__Host-` (Secure, no Domain, Path=/), HttpOnly, `SameSite=Lax` so a
/// link from the mail client finds it.
pub const SESSION_COOKIE: &str = "__Host-staff-session";
/// The ceremony's cookie: names its server-side state for 5 minutes, never the session.
pub const CEREMONY_COOKIE: &str = "__Host-staff-ceremony";

/// Everything the console needs, built on its first request.
pub struct Console {
    staff: Staff,
    log: AccessLog,
    ceremonies: Ceremonies,
    texts: Catalogues,
    policy: Policy,
    config: ConsoleConfig,
}

impl Console {
    fn build(app: &App) -> Result<Self, String> {
        let config = app
            .config()
            .console
            .clone()
            .ok_or_else(|| "STAFF_BASE_URL is not set".to_owned())?;
        let log = app
            .config()
            .access_log
            .as_ref()
            .map(|log| AccessLog::new(app.dynamodb().clone(), log.table.clone(), log.days))
            .ok_or_else(|| "ACCESS_LOG_TABLE_NAME is not set".to_owned())?;
        let origin = url::Url::parse(config.base.as_str()).map_err(|e| e.to_string())?;
        let ceremonies =
            Ceremonies::new(&config.rp_id, &origin, "Staff console").map_err(|e| e.to_string())?;
        tracing::info!(
            event = "console_built",
            "the staff console was built for its first request"
        );
        Ok(Self {
            staff: Staff::new(app.dynamodb().clone(), config.staff_table.clone()),
            log,
            ceremonies,
            texts: Catalogues::of(FileSet::Console),
            policy: Policy::new(),
            config,
        })
    }

    fn texts(&self, app: &App) -> Texts<'_> {
        Texts::new(&self.texts, app.config().default_language)
    }

    /// A console path as the browser asks for it (under the console's base path).
    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_path)
    }
}

/// The console, once built: held by the Lambda entry for the life of the instance.
#[derive(Default)]
pub struct ConsoleCell(OnceLock<Result<Console, String>>);

impl ConsoleCell {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether anything of the console was built in this instance.
    pub fn is_built(&self) -> bool {
        self.0.get().is_some()
    }

    fn get(&self, app: &App) -> Result<&Console, &str> {
        self.0
            .get_or_init(|| Console::build(app))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Why a console request was not answered with its page.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No session, a forged or someone else's, a cross-origin post, a missing anti-forgery
    /// token, or a page the role may not see.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The request a page showed was erased meanwhile.
    #[error("erased")]
    Erased,
    #[error("too many attempts; retry after {0} s")]
    TooMany(u32),
    /// A sensitive action without a passkey check in the last 5 minutes: the step-up page, which
    /// returns to this console path.
    #[error("a passkey check is needed first")]
    StepUp(String),
    #[error(transparent)]
    Staff(#[from] StaffError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Answers one console request. Never fails: a panic becomes a `500`.
pub async fn handle(app: &App, cell: &ConsoleCell, request: Request) -> Response<Body> {
    let started = Instant::now();
    let Some(config) = app.config().console.as_ref() else {
        return pages::html(StatusCode::NOT_FOUND, String::new());
    };
    let console = match cell.get(app) {
        Ok(console) => console,
        Err(problem) => {
            tracing::error!(
                event = "console_unavailable",
                problem,
                "the staff console cannot start"
            );
            return pages::html(StatusCode::SERVICE_UNAVAILABLE, String::new());
        }
    };
    let req = ConsoleRequest::read(&request, config);
    let answered = AssertUnwindSafe(answer(app, console, &req))
        .catch_unwind()
        .await;
    let mut response = match answered {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => access::refusal(app, console, &req, &error),
        Err(_) => pages::html(StatusCode::INTERNAL_SERVER_ERROR, String::new()),
    };
    pages::secure(&console.policy, &mut response);
    tracing::info!(
        event = "console_request",
        request_id = %req.request_id,
        route = route_name(&req.route),
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_millis() as u64,
        "console request"
    );
    response
}

async fn answer(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
) -> Result<Response<Body>, ConsoleError> {
    match &req.route {
        Route::NotFound => Err(ConsoleError::NotFound),
        Route::MethodNotAllowed => Ok(pages::html(StatusCode::METHOD_NOT_ALLOWED, String::new())),
        Route::SignInOptions => ceremonies::sign_in_options(app, console, req).await,
        Route::SignIn => ceremonies::sign_in(app, console, req).await,
        Route::InvitePage(token) => ceremonies::invite_page(app, console, req, token).await,
        Route::InviteOptions(token) => ceremonies::invite_options(app, console, req, token).await,
        Route::InviteRegister(token) => ceremonies::register(app, console, req, token).await,
        _ => {
            let Some(visitor) = access::visitor(app, console, req).await? else {
                return match req.method {
                    lambda_http::http::Method::POST => Err(ConsoleError::Forbidden),
                    _ => Ok(ceremonies::sign_in_page(app, console, req, false)),
                };
            };
            if req.method == lambda_http::http::Method::POST {
                access::check_post(req, &visitor)?;
            }
            signed_in(app, console, req, &visitor).await
        }
    }
}

async fn signed_in(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &access::Visitor,
) -> Result<Response<Body>, ConsoleError> {
    match &req.route {
        Route::Home | Route::Requests => requests::list(app, console, req, visitor).await,
        Route::Search => requests::search(app, console, req, visitor).await,
        Route::Request(id) => request_page::show(app, console, req, visitor, *id, Vec::new()).await,
        Route::FollowUp(id) => request_page::follow_up(app, console, req, visitor, *id).await,
        Route::Note(id) => request_page::note(app, console, req, visitor, *id).await,
        Route::Assign(id) => assignment::assign(app, console, req, visitor, *id).await,
        Route::Erase(id) => records::erase(app, console, req, visitor, *id).await,
        Route::Export(id) => records::export(app, console, req, visitor, *id).await,
        Route::Held => held::list(app, console, req, visitor).await,
        Route::Release(id) => held::release(app, console, req, visitor, *id).await,
        Route::Account => account::show(app, console, req, visitor, None).await,
        Route::PasskeyOptions => ceremonies::passkey_options(app, console, req, visitor).await,
        Route::PasskeyAdd => ceremonies::add_passkey(app, console, req, visitor).await,
        Route::PasskeyRemove(id) => account::remove_passkey(app, console, req, visitor, id).await,
        Route::PasskeyRename(id) => account::rename_passkey(app, console, req, visitor, id).await,
        Route::SessionEnd(hash) => account::end_session(app, console, req, visitor, hash).await,
        Route::SignOut => account::sign_out(app, console, req, visitor).await,
        Route::StepUpPage => Ok(ceremonies::step_up_page(app, console, req, visitor)),
        Route::StepUpOptions => ceremonies::step_up_options(app, console, req, visitor).await,
        Route::StepUp => ceremonies::step_up(app, console, req, visitor).await,
        Route::Staff => admin_pages::staff(app, console, req, visitor, Vec::new()).await,
        Route::Invite => admin_pages::invite(app, console, req, visitor).await,
        Route::StaffRemove(id) => admin_pages::remove(app, console, req, visitor, *id).await,
        Route::StaffRole(id) => admin_pages::role(app, console, req, visitor, *id).await,
        Route::StaffProfile(id) => profile::show(app, console, visitor, *id, None, vec![]).await,
        Route::StaffProfileSave(id) => profile::save(app, console, req, visitor, *id).await,
        Route::Accepting => profile::accepting(app, console, req, visitor).await,
        Route::AccessLog => admin_pages::access_log(app, console, req, visitor).await,
        _ => Err(ConsoleError::NotFound),
    }
}

/// The route's name for the log line (never an id or a token).
fn route_name(route: &Route) -> &'static str {
    match route {
        Route::Home => "home",
        Route::Requests => "requests",
        Route::Search => "search",
        Route::Request(_) => "request",
        Route::FollowUp(_) => "follow_up",
        Route::Note(_) => "note",
        Route::Assign(_) => "assign",
        Route::Erase(_) => "erase",
        Route::Export(_) => "export",
        Route::Held => "held",
        Route::Release(_) => "release",
        Route::Account => "account",
        Route::PasskeyOptions => "passkey_options",
        Route::PasskeyAdd => "passkey_add",
        Route::PasskeyRemove(_) => "passkey_remove",
        Route::PasskeyRename(_) => "passkey_rename",
        Route::SessionEnd(_) => "session_end",
        Route::Staff => "staff",
        Route::Invite => "invite",
        Route::StaffRemove(_) => "staff_remove",
        Route::StaffRole(_) => "staff_role",
        Route::StaffProfile(_) => "staff_profile",
        Route::StaffProfileSave(_) => "staff_profile_save",
        Route::Accepting => "accepting",
        Route::AccessLog => "access_log",
        Route::SignInOptions => "sign_in_options",
        Route::SignIn => "sign_in",
        Route::SignOut => "sign_out",
        Route::StepUpPage => "step_up_page",
        Route::StepUpOptions => "step_up_options",
        Route::StepUp => "step_up",
        Route::InvitePage(_) => "invite_page",
        Route::InviteOptions(_) => "invite_options",
        Route::InviteRegister(_) => "invite_register",
        Route::NotFound => "not_found",
        Route::MethodNotAllowed => "method_not_allowed",
    }
}
