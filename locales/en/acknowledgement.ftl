# The short reply to the person (SEND_ACKNOWLEDGEMENT), English. It repeats nothing they wrote,
# not even their name: anyone can type anyone's address into a form.

acknowledgement-subject = We received your request
acknowledgement-greeting = Thank you for reaching out.
acknowledgement-received = We received your request for a free consultation. Someone from the practice will get back to you, usually within one business day, in the way you asked us to. You do not need to send the form again.
acknowledgement-not-you = If you did not send this request, you can ignore this email; we will not contact you again unless you reply.
