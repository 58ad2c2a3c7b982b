# Las preguntas propias de la consulta (questions.toml), en español: question-<id> es la
# pregunta, question-<id>-hint su ayuda (opcional), question-<id>-<opción> cada opción.

answer-yes = Sí
answer-no = No
region-choose = Seleccione
region-group-us = Estados Unidos
region-group-outside = Fuera de los Estados Unidos

question-state = ¿Dónde estará durante las sesiones?
question-state-hint = También para las sesiones por video: un terapeuta solo puede atender a clientes que estén donde tiene licencia.

question-payment = ¿Cómo le gustaría pagar?
question-payment-self_pay = Pagaré yo (pago privado)
question-payment-aetna = Aetna
question-payment-bcbs = Blue Cross Blue Shield
question-payment-cigna = Cigna
question-payment-united = UnitedHealthcare
question-payment-medicaid = Medicaid
question-payment-medicare = Medicare
question-payment-other_insurance = Otro seguro

question-insurance_plan = El nombre de su plan de seguro
question-insurance_plan-hint = Como aparece en su tarjeta, si tiene una.

question-client_type = ¿Para quién es la terapia?
question-client_type-adult = Para mí
question-client_type-child = Para mi hijo o hija
question-client_type-couple = Para mi pareja y para mí
question-client_type-family = Para mi familia

question-guardian_name = Nombre del padre, la madre o el tutor
question-guardian_name-hint = Solo si la terapia es para un menor de 18 años.

question-guardian_contact = Teléfono o correo del padre, la madre o el tutor
question-guardian_contact-hint = Solo si la terapia es para un menor de 18 años.

question-heard_from = ¿Cómo supo de nosotros?
question-heard_from-search = Una búsqueda en internet
question-heard_from-directory = Un directorio de terapeutas
question-heard_from-doctor = Mi médico
question-heard_from-insurer = Mi seguro
question-heard_from-friend = Un amigo o familiar
question-heard_from-other = Otro lugar

question-may_leave = Si no logramos hablar con usted, ¿podemos dejarle
question-may_leave-hint = Seleccione lo que le parezca bien. Si no selecciona nada, solo volveremos a intentarlo más tarde.
question-may_leave-voicemail = Un mensaje de voz
question-may_leave-text = Un mensaje de texto
