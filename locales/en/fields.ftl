# Field labels and field error messages, English.
#
# A message says what to do, never "valid", "invalid" or "please", and never repeats what was
# typed. The message for a field and a code is `field-<field>-<code>`; without one, the code's
# own `field-<code>` is used, with the field's label as $label. $max is already written as
# numbers are in the language (2,000).

## Labels, as the form names each field.

label-name = Name
label-email = Email
label-phone = Phone
label-preferred_contact = Preferred contact
label-best_time = Best time to reach you
label-session_format = Session format
label-message = Message
label-consent = Consent
label-website = Website
label-cf-turnstile-response = Security check
label-idempotency_key = Submission key
label-answers = Answers
field-answers-invalid = Send the answers as an object of question ids and answers

## Messages for one field.

field-name-required = Enter your name
field-email-required = Enter your email address
field-phone-required = Enter a phone number, like 312 555 0142, so we can call or text you
field-name-invalid = Enter your name on one line, using letters
field-best_time-invalid = Enter the best time to reach you on one line, using letters and numbers
field-message-invalid = Remove the hidden or control characters from your message
field-preferred_contact-invalid_choice = Select how you would like us to contact you
field-session_format-invalid_choice = Select a session format
field-name-too_long = Name must be { $max } characters or fewer
field-best_time-too_long = Best time to reach you must be { $max } characters or fewer
field-message-too_long = Message must be { $max } characters or fewer

## Messages for a code, whatever the field.

field-required = Enter an answer for “{ $label }”
field-too_long = { $label } must be { $max } characters or fewer
field-invalid = Enter the answer for “{ $label }” as plain text
field-invalid_email = Enter an email address in the correct format, like name@example.com
field-invalid_phone = Enter a phone number, like 312 555 0142
field-invalid_choice = Select one of the options for “{ $label }”
field-consent_required = Select the box to agree that the practice may store your request and contact you
field-captcha_failed = The security check did not work. Send the form again
field-captcha_expired = The security check ran out while you were writing. Send the form again: your answers are kept
