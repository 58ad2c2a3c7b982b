# Nombres de los campos y mensajes de error de cada campo, en español.
#
# Cada mensaje dice qué hacer (de usted), sin «válido», «inválido» ni «por favor», y nunca repite
# lo que la persona escribió. $max ya viene escrito como se escriben los números en español (2000).

## Nombres de los campos, como aparecen en el formulario.

label-name = Nombre
label-email = Correo electrónico
label-phone = Teléfono
label-preferred_contact = Forma de contacto
label-best_time = Mejor momento para comunicarnos con usted
label-session_format = Tipo de sesión
label-message = Mensaje
label-consent = Consentimiento
label-website = Sitio web
label-cf-turnstile-response = Verificación de seguridad
label-idempotency_key = Clave de envío
label-answers = Respuestas
field-answers-invalid = Envíe las respuestas como un objeto de identificadores de pregunta y respuestas

## Mensajes de un campo.

field-name-required = Escriba su nombre
field-email-required = Escriba su correo electrónico
field-phone-required = Escriba un número de teléfono, como 312 555 0142, para que podamos llamarle o enviarle un mensaje de texto
field-name-invalid = Escriba su nombre en una sola línea, con letras
field-best_time-invalid = Escriba en una sola línea cuándo le viene mejor que le contactemos, con letras y números
field-message-invalid = Quite los caracteres ocultos o de control de su mensaje
field-preferred_contact-invalid_choice = Elija cómo prefiere que nos comuniquemos con usted
field-session_format-invalid_choice = Elija un tipo de sesión
field-name-too_long = Su nombre debe tener { $max } caracteres o menos
field-best_time-too_long = El mejor momento para comunicarnos debe tener { $max } caracteres o menos
field-message-too_long = Su mensaje debe tener { $max } caracteres o menos

## Mensajes de un código, sea cual sea el campo.

field-required = Escriba una respuesta en «{ $label }»
field-too_long = «{ $label }» debe tener { $max } caracteres o menos
field-invalid = Escriba la respuesta de «{ $label }» como texto simple
field-invalid_email = Escriba un correo electrónico con el formato correcto, como nombre@ejemplo.com
field-invalid_phone = Escriba un número de teléfono, como 312 555 0142
field-invalid_choice = Elija una de las opciones de «{ $label }»
field-consent_required = Marque la casilla para aceptar que la consulta guarde su solicitud y se comunique con usted
field-captcha_failed = La verificación de seguridad no funcionó. Envíe el formulario de nuevo
field-captcha_expired = La verificación de seguridad caducó mientras escribía. Envíe el formulario de nuevo: sus respuestas se conservan
