# The staff console: every word staff read there, and the account emails.
console-name = Consultation requests
skip-to-content = Skip to main content
nav-label = Console
nav-requests = Requests
nav-held = Held for review
nav-account = Your passkeys and sessions
nav-staff = Staff
nav-access-log = Access log
sign-out = Sign out
error-prefix = Error:
error-summary-title = There is a problem
back-to-requests = Back to the requests
needs-javascript = Signing in with a passkey needs JavaScript. Turn it on for this site, or use a browser that has it.
never = Never
unassigned = Unassigned

## Sign-in and step-up
sign-in-title = Sign in
sign-in-lead = Sign in with the passkey on this device: your fingerprint, face or screen lock. There is no password.
sign-in-button = Sign in with a passkey
sign-in-autofill = Your email address (your browser may offer your passkey here)
sign-in-failed = Sign-in did not work. Try again, or ask an admin for a new invite if you no longer have your passkey.
step-up-title = Confirm it is you
step-up-lead = This needs a fresh check with your passkey. Confirm, then do it again.
step-up-button = Confirm with your passkey
step-up-failed = That did not work. Try again.

## Invites
invite-title = Set up your passkey
invite-greeting = Hello { $name }.
invite-lead = You have been invited to the practice's consultation requests. Create a passkey on this device to sign in: there is no password to remember.
invite-button = Create your passkey
invite-failed = The passkey could not be created. Try again.
invite-expired-title = This invite has expired
invite-expired-body = Invites work for 24 hours. Ask an admin of the practice to send you a new one.
invite-used-title = This invite has been used
invite-used-body = It was used to set up a passkey, or a newer invite replaced it. Sign in with your passkey, or ask an admin for a new invite.
invite-unknown-title = This invite does not work
invite-unknown-body = Check that you opened the whole link from the email, or ask an admin for a new invite.

## Refusals
refused-title = You cannot do that here
refused-body = Your session may have ended, or this page was opened from somewhere else. Go back to the requests and try again.
not-found-title = Page not found
not-found-body = There is nothing here, or you do not have access to it.
erased-title = This request was erased
erased-body = It was erased while you were looking at it. Nothing was changed.
too-many-title = Too many attempts
too-many-body = There have been too many attempts from here. Wait a few minutes and try again.
unavailable-title = Sorry, the console is not working right now
unavailable-body = Nothing you did was lost. Try again in a minute.

## Requests
requests-open = Open requests
requests-in-state = Requests: { $state }
requests-none = There are no requests here.
search-results = { $count ->
    [one] 1 request found
   *[other] { $count } requests found
}
filter-state = Show
filter-open = Open (new, contacted, scheduled)
filter-apply = Show these
filter-everyone = Everyone
filter-since = Since
search-label = Find a person's requests
search-hint = Their email address or phone number, exactly as they wrote it.
search-button = Search
next-page = Next 50 requests
col-reference = Reference
col-name = Name
col-received = Received
col-marks = Marks
col-state = State
col-assigned = Assigned to
col-reminder = Reminder due
col-when = When
col-who = Who
col-what = What
col-note = Note
col-reason = Why it is held
col-action = Action
col-passkey = Passkey
col-added = Added
col-last-used = Last used
col-began = Signed in
col-last-seen = Last active
col-browser = Browser
col-email = Email
col-role = Role
col-status = Status
col-client = Address (hashed)
mark-urgent = Urgent
mark-unverified = Unverified
state-new = New
state-contacted = Contacted
state-scheduled = Consultation scheduled
state-declined = Declined
state-referred = Referred elsewhere
state-closed = Closed
state-held = Held for review

## One request
request-title = Request { $reference }
field-reference = Reference
field-received = Received
field-name = Name
field-email = Email
field-phone = Phone
field-preferred-contact = Preferred contact
field-best-time = Best time to reach them
field-session-format = Session format
field-message = What they wrote
field-language = Language
field-verification = Verification
field-held = Held for review
field-staff-email = Staff email
field-consent = Consent version
contact-email = Email
contact-phone = Phone
contact-text = Text message
format-in_person = In person
format-telehealth = Telehealth
format-either = Either
language-en = English
language-es = Spanish
verification-not-required = Not asked for
verification-passed = Passed
verification-unverified = Unverified: the check could not be reached
held-honeypot = A hidden field was filled in (a bot, or a browser's autofill)
held-no_captcha = Sent without the spam check (no JavaScript)
held-already-sent = already sent to staff
notify-pending = Not sent yet (retrying)
notify-sent = Sent
notify-failed = Failed: see the fallback
notify-held = Not sent: held for review
delivery-delivered = delivered
delivery-bounced = bounced
delivery-complained = marked as spam
delivery-rejected = rejected
delivery-delayed = delayed
delivery-rendering_failed = could not be rendered
follow-up-heading = Follow-up
follow-up-lead = Once you have been in touch, record it:
history-caption = What happened so far
by-email-link = A link in the staff email
by-reply = A reply to the person
by-operator = The operator tool
notes-heading = Notes
note-label = Add a note
note-hint = Each attempt to reach them, for example "left a voicemail". At most 500 characters, one line.
note-add = Add the note
note-empty = Write the note first
note-too-long = The note must be 500 characters or fewer
note-control = The note must be one line of text, without invisible characters
assignment-heading = Assigned to
viewed-by-heading = Viewed by
viewed-by-none = Nobody yet.
admin-heading = Export or erase
export-button = Export this request
erase-confirm = I am sure: erase everything stored about this request
erase-button = Erase this request

## Held for review
held-title = Held for review
held-lead = These requests were held as possible spam. If one is a real person, send it to staff.
held-none = Nothing is held for review.
not-spam = Not spam: send it to staff

## Account
account-title = Your passkeys and sessions
passkeys-heading = Passkeys
passkey-name-label = Name of this passkey
passkey-rename = Rename
passkey-remove = Remove
passkey-add = Add a passkey on this device
passkey-add-failed = The passkey could not be added. Try again.
sessions-heading = Where you are signed in
session-this = This browser
session-end = Sign out there

## Staff
staff-title = Staff
role-front-desk = Front desk
role-clinician = Clinician
role-admin = Admin
role-change = Change role
status-active = Active
status-invited = Invited
status-removed = Removed
invite-again = Send a new invite
staff-remove = Remove
invite-heading = Invite someone
invite-send = Send the invite
invite-email-invalid = Enter an email address, like name@example.com
invite-name-invalid = Enter their name (at most 100 characters, one line)
invite-role-invalid = Choose a role
invite-email-taken = Someone already has an account with this address
last-admin = The practice needs at least one admin: make someone else an admin first

## Access log
access-log-title = Access log
access-log-lead = Every view, search and change of a person's request, and every sign-in, kept six years. It names no person who wrote in.
access-log-none = Nothing was logged for this.
action-signed_in = Signed in
action-sign_in_failed = Sign-in failed
action-signed_out = Signed out
action-session_ended = Ended a session
action-invited = Sent an invite
action-passkey_added = Added a passkey
action-passkey_removed = Removed a passkey
action-staff_removed = Removed a staff member
action-role_changed = Changed a role
action-listed = Saw it in a list
action-viewed = Opened it
action-searched = Searched
action-follow_up_changed = Changed its follow-up
action-note_added = Added a note
action-assignment_changed = Changed its assignment
action-released = Sent it to staff
action-erased = Erased it
action-exported = Exported it
action-resent = Sent its staff email again
action-access_log_read = Read the access log

## Account emails
invite-email-subject = Your invite to the practice's consultation requests
invite-email-greeting = Hello { $name },
invite-email-body = { $by } invited you to the practice's consultation requests, as { $role }. Open the link on the phone or computer you will use, and create a passkey there: there is no password.
invite-email-expiry = The link works for 24 hours. If it has expired, ask an admin for a new one.
invite-email-button = Set up your passkey
notice-passkey-added-subject = A passkey was added for { $name }
notice-passkey-added-body = A passkey was added to the console account of { $name } ({ $email }).
notice-passkey-removed-subject = A passkey was removed for { $name }
notice-passkey-removed-body = A passkey was removed from the console account of { $name } ({ $email }).
notice-admin-invited-subject = { $name } was invited as an admin
notice-admin-invited-body = { $name } ({ $email }) was invited to the console as an admin.
notice-not-you = If this was not expected, tell an admin of the practice at once.

## Routing among clinicians

action-profile_changed = Changed a clinician's profile
history-assigned = Assigned to { $name }
history-unassigned = Back to the front desk
by-routing = Routing
assigned-to = Assigned to { $name }
routing-reason = Routing: { $reason }
assign-label = Assign to
assign-nobody = Nobody (the front desk)
assign-button = Change the assignment
hand-back-button = Hand back to the front desk
profile-heading = Profile
profile-title = { $name }'s profile
profile-lead = Routing gives a new request to a clinician who accepts new clients and matches every answer the practice routes on.
profile-regions = Licensed in
profile-regions-hint = The US states and territories, by their two-letter codes, separated by commas (IL, WI).
profile-payers = Payers they take
profile-client_types = Clients they see
profile-languages = Languages
profile-accepting = Accepting new clients
profile-save = Save the profile
profile-edit = Profile
profile-unknown = { $field }: not one the practice uses: { $values }
profile-none = none
account-accepting-on = You accept new clients: new requests can be given to you.
account-accepting-off = You do not accept new clients now: no new request is given to you.
account-accepting-stop = Stop accepting new clients
account-accepting-start = Accept new clients again
