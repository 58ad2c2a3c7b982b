# The consultation form (the hosted form and the drop-in form in web/), and what its script says,
# English.

form-page-title = Schedule a free consultation
form-title = Schedule a free consultation
form-intro = Tell us a little about what you are looking for and how to reach you. We will get back to you, usually within one business day.
form-name = Your name
form-email = Email
form-phone = Phone
form-phone-optional = (needed if you would like a call or a text)
form-phone-hint = Include the area code.
form-preferred-contact = How would you like us to reach you?
form-contact-email = Email
form-contact-phone = Phone call
form-contact-text = Text message
form-best-time = Best time to reach you
form-optional = (optional)
form-best-time-hint = For example: weekday evenings after 6.
form-session-format = Session format
form-session-none = No preference yet
form-session-in-person = In person
form-session-telehealth = Telehealth (video)
form-session-either = Either
form-message = What would you like help with?
form-message-hint = A sentence or two is plenty. Leave out details you would not want in an email.
form-consent = I agree that the practice may store what I send and contact me about a consultation. I understand this form is not for emergencies: if I am in crisis I will call or text 988 (Suicide & Crisis Lifeline) or call 911.
form-trap = Leave this empty
form-send = Send request
form-language-switch = Español

## What the form's script shows.

script-sending = Sending…
script-error-prefix = Error:
script-captcha-resending = The security check ran out while you were writing; sending again…
script-cannot-send = We could not send your request just now. What you wrote is still here; you can try again in a moment.
script-failed = Something went wrong. Your answers are still here; try again in a moment.
form-frame-title = Consultation request form
