//! A clinician's profile in the console: an admin edits it (the regions they are licensed in,
//! the payers they take, the clients they see, their languages, accepting new clients), a
//! clinician switches their own "accepting new clients". Values the practice does not use are
//! refused with the error summary. Every change is in the access log.

use super::access::{self, Visitor};
use super::pages::{self, Chrome};
use super::request::ConsoleRequest;
use super::templates::{ProfileField as FieldView, ProfilePage};
use super::{Console, ConsoleError};
use crate::access_log::Action;
use crate::app::App;
use crate::questions::{ProfileField, compiled};
use crate::staff::{ClinicianProfile, Member, Role, StaffId};
use lambda_http::{Body, Response};

/// What an admin sent, shown again after a refused save: the lists, and accepting.
type Given<'a> = (&'a [(ProfileField, Vec<String>)], bool);

async fn clinician(
    console: &Console,
    visitor: &Visitor,
    id: StaffId,
) -> Result<Member, ConsoleError> {
    if !visitor.is_admin() {
        return Err(ConsoleError::NotFound);
    }
    console
        .staff
        .member(id)
        .await?
        .filter(|m| m.active() && m.role == Role::Clinician)
        .ok_or(ConsoleError::NotFound)
}

/// The profile form; `given` and `problems` after a refused save.
pub async fn show(
    app: &App,
    console: &Console,
    visitor: &Visitor,
    id: StaffId,
    given: Option<Given<'_>>,
    problems: Vec<(String, String)>,
) -> Result<Response<Body>, ConsoleError> {
    let member = clinician(console, visitor, id).await?;
    let t = console.texts(app);
    let title = t.with("profile-title", &[("name", &member.name)]);
    let mut chrome = Chrome::new(t, &console.config.base_path, title);
    chrome.nav = Some(visitor.nav());
    let status = chrome.with_problems(problems);
    let chosen = |field: ProfileField| -> Vec<String> {
        match given {
            Some((fields, _)) => fields
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            None => member.profile.values(field).to_vec(),
        }
    };
    let fields = [
        ProfileField::Payers,
        ProfileField::ClientTypes,
        ProfileField::Languages,
    ]
    .into_iter()
    .map(|field| {
        let chosen = chosen(field);
        FieldView {
            name: field.as_str(),
            label: t.get(&format!("profile-{}", field.as_str())),
            options: compiled()
                .profile_values(field)
                .into_iter()
                .map(|value| {
                    let label = compiled().routing_on(field).map_or_else(
                        || value.clone(),
                        |q| {
                            app.config()
                                .catalogues
                                .plain(app.config().default_language, &q.message_id(Some(&value)))
                        },
                    );
                    let on = chosen.contains(&value);
                    (value, label, on)
                })
                .collect(),
        }
    })
    .filter(|f| !f.options.is_empty())
    .collect();
    let page = ProfilePage {
        chrome,
        action: console.link(&format!("/staff/staff/{id}/profile")),
        regions: chosen(ProfileField::Regions).join(", "),
        fields,
        accepting: given.map_or(member.profile.accepting, |(_, a)| a),
        csrf: visitor.session.csrf.clone(),
    };
    Ok(pages::render(status, &page))
}

pub async fn save(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
    id: StaffId,
) -> Result<Response<Body>, ConsoleError> {
    let member = clinician(console, visitor, id).await?;
    // Who routing gives health data to: a recent passkey check, as for a role change.
    if !visitor.stepped_up(app.now()) {
        return Err(ConsoleError::StepUp(
            console.link(&format!("/staff/staff/{id}/profile")),
        ));
    }
    let t = console.texts(app);
    let regions = req
        .field("regions")
        .unwrap_or_default()
        .split([',', ' '])
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    let mut given = vec![(ProfileField::Regions, regions)];
    for field in [
        ProfileField::Payers,
        ProfileField::ClientTypes,
        ProfileField::Languages,
    ] {
        given.push((field, req.fields(field.as_str())));
    }
    let accepting = req.field("accepting") == Some("yes");
    let profile = match ClinicianProfile::parse(&given, accepting, compiled()) {
        Ok(profile) => profile,
        Err(refused) => {
            let problems = refused
                .iter()
                .map(|p| {
                    let field = t.get(&format!("profile-{}", p.field.as_str()));
                    let values = p.unknown.join(", ");
                    let message =
                        t.with("profile-unknown", &[("field", &field), ("values", &values)]);
                    (format!("#profile-{}", p.field.as_str()), message)
                })
                .collect();
            return show(
                app,
                console,
                visitor,
                id,
                Some((&given, accepting)),
                problems,
            )
            .await;
        }
    };
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::ProfileChanged).detail(member.id.to_string()),
    )
    .await?;
    console.staff.set_profile(member.id, &profile).await?;
    Ok(pages::see_other(&console.link("/staff/staff")))
}

/// A clinician says whether they accept new clients now.
pub async fn accepting(
    app: &App,
    console: &Console,
    req: &ConsoleRequest,
    visitor: &Visitor,
) -> Result<Response<Body>, ConsoleError> {
    if visitor.member.role != Role::Clinician {
        return Err(ConsoleError::NotFound);
    }
    let accepting = req.field("accepting") == Some("yes");
    access::log(
        app,
        console,
        req,
        access::entry(app, visitor, Action::ProfileChanged)
            .detail(format!("accepting={accepting}")),
    )
    .await?;
    console
        .staff
        .set_accepting(visitor.member.id, accepting)
        .await?;
    Ok(pages::see_other(&console.link("/staff/account")))
}
