# El formulario de consulta (el formulario alojado y el de web/) y lo que dice su script, en
# español.

form-page-title = Programe una consulta gratuita
form-title = Programe una consulta gratuita
form-intro = Cuéntenos un poco qué busca y cómo podemos comunicarnos con usted. Le responderemos, normalmente en un día hábil.
form-name = Su nombre
form-email = Correo electrónico
form-phone = Teléfono
form-phone-optional = (necesario si prefiere una llamada o un mensaje de texto)
form-phone-hint = Incluya el código de área.
form-preferred-contact = ¿Cómo prefiere que nos comuniquemos con usted?
form-contact-email = Correo electrónico
form-contact-phone = Llamada
form-contact-text = Mensaje de texto
form-best-time = Mejor momento para comunicarnos con usted
form-optional = (opcional)
form-best-time-hint = Por ejemplo: entre semana, después de las 6 de la tarde.
form-session-format = Tipo de sesión
form-session-none = Todavía no lo sé
form-session-in-person = En persona
form-session-telehealth = Por video (telesalud)
form-session-either = Cualquiera de las dos
form-message = ¿En qué le gustaría recibir ayuda?
form-message-hint = Con una o dos frases basta. No incluya detalles que no quisiera ver en un correo electrónico.
form-consent = Acepto que la consulta guarde lo que envío y se comunique conmigo sobre una consulta. Entiendo que este formulario no es para emergencias: si estoy en crisis, llamaré o enviaré un mensaje de texto al 988 (Línea de Prevención del Suicidio y Crisis; para español, marque 2) o llamaré al 911.
form-trap = Deje esto en blanco
form-send = Enviar solicitud
form-language-switch = English

## Lo que muestra el script del formulario.

script-sending = Enviando…
script-error-prefix = Error:
script-captcha-resending = La verificación de seguridad caducó mientras escribía; enviando de nuevo…
script-cannot-send = No pudimos enviar su solicitud en este momento. Lo que escribió sigue aquí; puede intentarlo de nuevo en un momento.
script-failed = Algo salió mal. Sus respuestas siguen aquí; inténtelo de nuevo en un momento.
form-frame-title = Formulario para solicitar una consulta
