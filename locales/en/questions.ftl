# The practice's own questions (questions.toml), English: question-<id> is the question,
# question-<id>-hint its hint (optional), question-<id>-<choice> each choice. Every question
# declared in questions.toml needs its words here, switched on or not.

answer-yes = Yes
answer-no = No
region-choose = Select
region-group-us = United States
region-group-outside = Outside the United States

question-state = Where will you be during sessions?
question-state-hint = For video sessions too: a therapist can only see clients located where they are licensed.

question-payment = How would you like to pay?
question-payment-self_pay = I will pay myself (self-pay)
question-payment-aetna = Aetna
question-payment-bcbs = Blue Cross Blue Shield
question-payment-cigna = Cigna
question-payment-united = UnitedHealthcare
question-payment-medicaid = Medicaid
question-payment-medicare = Medicare
question-payment-other_insurance = Another insurance

question-insurance_plan = The name of your insurance plan
question-insurance_plan-hint = As it is printed on your card, if you have one.

question-client_type = Who is the therapy for?
question-client_type-adult = Myself
question-client_type-child = My child
question-client_type-couple = My partner and me
question-client_type-family = My family

question-guardian_name = Parent or guardian's name
question-guardian_name-hint = Only if the therapy is for a child under 18.

question-guardian_contact = Parent or guardian's phone or email
question-guardian_contact-hint = Only if the therapy is for a child under 18.

question-heard_from = How did you hear about us?
question-heard_from-search = A web search
question-heard_from-directory = A therapist directory
question-heard_from-doctor = My doctor
question-heard_from-insurer = My insurance
question-heard_from-friend = A friend or family member
question-heard_from-other = Somewhere else

question-may_leave = When we cannot reach you, may we leave
question-may_leave-hint = Select all that are fine with you. Leave both empty and we will only try again later.
question-may_leave-voicemail = A voicemail
question-may_leave-text = A text message
