//! The follow-up pages behind the staff email's links. A `GET` only shows what a click would
//! record, with a button: mail scanners and link previews fetch every link and must change
//! nothing. The button's `POST` records it. No personal data on either page.

use super::Page;
use super::page::Confirm;
use super::request::Inbound;
use super::response::Responder;
use crate::app::App;
use crate::domain::{FollowUpState, SubmissionId};
use crate::error::RequestError;
use crate::follow_up::{FollowUpError, RecordError, record};
use lambda_http::http::Method;
use lambda_http::{Body, Response};

/// The `state` and `token` of a link's query, or of the button's form.
fn link_fields(encoded: &[u8]) -> Option<(FollowUpState, String)> {
    let mut state = None;
    let mut token = None;
    for (name, value) in url::form_urlencoded::parse(encoded) {
        match name.as_ref() {
            "state" => state = FollowUpState::parse(&value),
            "token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    state
        .filter(|state| *state != FollowUpState::New)
        .zip(token)
}

/// Answers `GET` and `POST /consultations/{id}/follow-up`; the outcome for the summary line.
pub async fn answer(
    app: &App,
    inbound: &Inbound<'_>,
    id: SubmissionId,
    responder: &Responder,
) -> Result<(Response<Body>, &'static str), RequestError> {
    let refused = || RequestError::FollowUpLinkInvalid("missing or unknown state or token");
    let key = app.config().follow_up_key.as_ref();
    match inbound.method {
        Method::GET => {
            let (state, token) =
                link_fields(inbound.query.unwrap_or_default().as_bytes()).ok_or_else(refused)?;
            let key = key.ok_or(RequestError::FollowUpLinkInvalid("not configured"))?;
            key.verify(id, state, &token, app.now())
                .await
                .map_err(|_| RequestError::FollowUpLinkInvalid("token refused"))?;
            let mut page = Page::new(responder.texts(), "Record a follow-up".to_owned());
            page.paragraphs.push(format!(
                "Mark this request as “{}”? Nothing is recorded until you press the button.",
                state.label()
            ));
            page = page.with_reference(responder.texts(), &id.to_string());
            page.confirm = Some(Confirm {
                state: state.as_str(),
                token,
                label: format!("Record: {}", state.label()),
            });
            Ok((responder.page(200, &page), "follow_up_shown"))
        }
        Method::POST => {
            let (state, token) = link_fields(inbound.raw_body).ok_or_else(refused)?;
            match record(
                app.store(),
                app.webhooks(),
                key,
                id,
                state,
                &token,
                app.now(),
            )
            .await
            {
                Ok(()) => {}
                Err(RecordError::Refused(FollowUpError::UnknownRequest)) => {
                    return Err(RequestError::FollowUpUnknown);
                }
                Err(RecordError::Refused(_)) => {
                    return Err(RequestError::FollowUpLinkInvalid("token refused"));
                }
                Err(RecordError::Store(error)) => {
                    return Err(RequestError::StorageUnavailable(error));
                }
            }
            let mut page = Page::new(responder.texts(), "Recorded, thank you".to_owned());
            page.paragraphs
                .push(format!("This request is now marked “{}”.", state.label()));
            page = page.with_reference(responder.texts(), &id.to_string());
            Ok((responder.page(200, &page), "follow_up"))
        }
        _ => Err(RequestError::FollowUpMethodNotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_a_state_staff_can_choose_and_a_token() {
        assert_eq!(
            link_fields(b"state=contacted&token=1.ab"),
            Some((FollowUpState::Contacted, "1.ab".to_owned()))
        );
        for refused in [
            &b"state=new&token=1.ab"[..],
            b"state=done&token=x",
            b"state=closed",
            b"",
        ] {
            assert_eq!(link_fields(refused), None);
        }
    }
}
