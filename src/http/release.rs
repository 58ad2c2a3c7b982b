//! The pages behind the review digest's *Not spam: send it to staff* link. Like the follow-up
//! links: a `GET` only shows a confirmation (no personal data) with a button; its `POST` releases
//! the request, once. An altered token is a `403`; a request deleted with the other held ones
//! gets a plain page saying so.

use super::Page;
use super::page::Confirm;
use super::request::Inbound;
use super::response::Responder;
use crate::app::App;
use crate::app::release::{ReleaseError, check, release};
use crate::domain::SubmissionId;
use crate::error::RequestError;
use crate::store::Released;
use lambda_http::http::Method;
use lambda_http::{Body, Response};

fn token_of(encoded: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(encoded)
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
}

fn gone(responder: &Responder, id: SubmissionId) -> Response<Body> {
    let mut page = Page::new(
        responder.texts(),
        "This request is no longer held".to_owned(),
    );
    page.paragraphs.push(
        "It was deleted with the other held requests, as held requests are after a few days. If the person writes again, their request will reach you."
            .to_owned(),
    );
    page = page.with_reference(responder.texts(), &id.to_string());
    responder.page(410, &page)
}

fn refused(error: ReleaseError) -> RequestError {
    match error {
        ReleaseError::Store(error) => RequestError::StorageUnavailable(error),
        ReleaseError::NotConfigured => RequestError::FollowUpLinkInvalid("not configured"),
        ReleaseError::Refused(_) => RequestError::FollowUpLinkInvalid("token refused"),
    }
}

/// Answers `GET` and `POST /consultations/{id}/release`; the outcome for the summary line.
pub async fn answer(
    app: &App,
    inbound: &Inbound<'_>,
    id: SubmissionId,
    responder: &Responder,
) -> Result<(Response<Body>, &'static str), RequestError> {
    let missing = || RequestError::FollowUpLinkInvalid("missing token");
    match inbound.method {
        Method::GET => {
            let token =
                token_of(inbound.query.unwrap_or_default().as_bytes()).ok_or_else(missing)?;
            check(app, id, &token).await.map_err(refused)?;
            let held = app
                .store()
                .get_request(id)
                .await
                .map_err(RequestError::StorageUnavailable)?;
            if held.is_none() {
                return Ok((gone(responder, id), "release_gone"));
            }
            let mut page = Page::new(responder.texts(), "Send this request to staff?".to_owned());
            page.paragraphs.push(
                "It was held for review instead of sent to you. If it is from a real person, press the button: it goes to the staff address like any other request. Nothing is sent until you press it."
                    .to_owned(),
            );
            page = page.with_reference(responder.texts(), &id.to_string());
            page.confirm = Some(Confirm {
                state: "release",
                token,
                label: "Not spam: send it to staff".to_owned(),
            });
            Ok((responder.page(200, &page), "release_shown"))
        }
        Method::POST => {
            let token = token_of(inbound.raw_body).ok_or_else(missing)?;
            let (title, text, outcome) = match release(app, id, &token).await.map_err(refused)? {
                Released::Now => (
                    "Sent to staff",
                    "It goes to the staff address within five minutes, like any other request, with the usual reminders.",
                    "released",
                ),
                Released::StoppedHolding => (
                    "Staff have it already",
                    "Staff already have this request (it was urgent and sent to them at once) or have followed it up. It is no longer held, and is not sent again.",
                    "release_stopped_holding",
                ),
                Released::Already => (
                    "Already sent to staff",
                    "Someone released this request before; it was sent once, and is not sent again.",
                    "release_repeated",
                ),
                Released::Gone => return Ok((gone(responder, id), "release_gone")),
            };
            let mut page = Page::new(responder.texts(), title.to_owned());
            page.paragraphs.push(text.to_owned());
            page = page.with_reference(responder.texts(), &id.to_string());
            Ok((responder.page(200, &page), outcome))
        }
        _ => Err(RequestError::FollowUpMethodNotAllowed),
    }
}
