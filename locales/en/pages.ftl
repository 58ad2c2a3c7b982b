# The pages a person can be shown after sending the form without JavaScript, and the sentences of
# every error answer (`message` in JSON, the page's text in HTML), English.

## What every page may carry.

page-error-prefix = Error:
error-summary-title = There is a problem
page-back-link = Go back to the form
page-back-link-after = (what you typed is usually still there).
page-back-hint = Use your browser's Back button to return to the form; what you typed is usually still there.
way-out-lead = You can also reach the practice directly:
way-out-call = call
way-out-or = or
way-out-email = email
page-reference = Reference: { $id }
crisis = If you are in crisis or thinking about harming yourself, don't wait for us: call or text 988 (Suicide & Crisis Lifeline) or call 911.

## The thank-you page, when the practice has no page of its own.

thank-you-title = Thank you, we received your request
thank-you-reply = Someone from the practice will get back to you, usually within one business day, in the way you asked us to.
# When no clinician is licensed in the region the person will be in (the practice may change it).
notice-out_of_area = We could not find a clinician at the practice who is licensed where you will be during sessions. Someone will still read your request and get back to you, and can suggest where to turn.
thank-you-once = You do not need to send the form again.

## Errors: the value is the sentence, .title the page's heading.

error-not-found = There is nothing at this address. Requests are sent to /consultations.
    .title = Page not found
error-method-not-allowed = This address only accepts form submissions (POST).
    .title = Method not allowed
error-follow-up-method-not-allowed = This address opens a page (GET) and records what its button says (POST).
    .title = Method not allowed
error-form-method-not-allowed = This address shows the consultation form (GET); the form itself is sent to /consultations.
    .title = Method not allowed
error-link-invalid = The link has been changed or has expired, so nothing was recorded. Use a link from a newer email, or ask whoever runs the form to record it.
    .title = This link does not work
error-follow-up-unknown = There is no request at this address: it may have been erased.
    .title = No such request
error-origin-not-allowed = This form cannot be sent from the site you are on. Use the form on the practice's own website.
    .title = Not allowed from this site
error-heartbeat-refused = This request carries a check's signature that is not valid, so it was not accepted.
    .title = Not accepted
error-unsupported-media-type = Send the form as application/json or application/x-www-form-urlencoded (UTF-8).
    .title = Unsupported form encoding
error-payload-too-large = The form is larger than we can accept. Shorten your message and send it again.
    .title = Request too large
error-malformed = We could not read the form. Reload the page and send it again.
    .title = We could not read the form
error-validation = Some answers need changing before the form can be sent.
    .title = There is a problem
error-idempotency-key-reused = This form was already sent with different answers. Reload the page and send it again.
    .title = Send the form again
error-rate-limited = We have received several requests from your connection in the last hour. Try again later, or call the practice.
    .title = Too many requests
error-temporarily-unavailable = We could not save your request just now, so nothing was sent. Try again in a minute.
    .title = Try again shortly
error-internal = Something went wrong on our side and your request may not have been saved. Try again, or contact the practice directly.
    .title = Something went wrong
