# Las páginas que puede ver una persona después de enviar el formulario sin JavaScript, y las
# frases de cada respuesta de error (`message` en JSON, el texto de la página en HTML), en español.

## Lo que puede llevar cada página.

page-error-prefix = Error:
error-summary-title = Hay un problema
page-back-link = Volver al formulario
page-back-link-after = (lo que escribió normalmente sigue ahí).
page-back-hint = Use el botón Atrás de su navegador para volver al formulario; lo que escribió normalmente sigue ahí.
way-out-lead = También puede comunicarse directamente con la consulta:
way-out-call = llame al
way-out-or = o
way-out-email = escriba a
page-reference = Referencia: { $id }
crisis = Si está en crisis o piensa en hacerse daño, no espere nuestra respuesta: llame o envíe un mensaje de texto al 988 (Línea de Prevención del Suicidio y Crisis; para hablar en español, marque 2 o envíe AYUDA por mensaje de texto) o llame al 911.

## La página de agradecimiento, cuando la consulta no tiene una propia.

thank-you-title = Gracias, recibimos su solicitud
thank-you-reply = Alguien de la consulta se comunicará con usted, normalmente en un día hábil, de la forma que nos indicó.
# When no clinician is licensed in the region the person will be in (the practice may change it).
notice-out_of_area = No encontramos en la consulta un terapeuta con licencia donde usted estará durante las sesiones. Aun así, alguien leerá su solicitud y se pondrá en contacto con usted, y podrá sugerirle a dónde acudir.
thank-you-once = No hace falta que envíe el formulario otra vez.

## Errores: el valor es la frase, .title el título de la página.

error-not-found = No hay nada en esta dirección. Las solicitudes se envían a /consultations.
    .title = No encontramos la página
error-method-not-allowed = Esta dirección solo recibe formularios enviados (POST).
    .title = Método no permitido
error-follow-up-method-not-allowed = Esta dirección abre una página (GET) y registra lo que dice su botón (POST).
    .title = Método no permitido
error-form-method-not-allowed = Esta dirección muestra el formulario de consulta (GET); el formulario se envía a /consultations.
    .title = Método no permitido
error-link-invalid = El enlace se modificó o caducó, así que no se registró nada. Use el enlace de un correo más reciente o pida a quien administra el formulario que lo registre.
    .title = Este enlace no funciona
error-follow-up-unknown = No hay ninguna solicitud en esta dirección: puede que se haya borrado.
    .title = No existe esa solicitud
error-origin-not-allowed = Este formulario no se puede enviar desde el sitio en el que está. Use el formulario del sitio web de la consulta.
    .title = No se permite desde este sitio
error-heartbeat-refused = Esta solicitud lleva una firma de comprobación que no es válida, así que no se aceptó.
    .title = No aceptada
error-unsupported-media-type = Envíe el formulario como application/json o application/x-www-form-urlencoded (UTF-8).
    .title = Formato del formulario no admitido
error-payload-too-large = El formulario es más largo de lo que podemos recibir. Acorte su mensaje y envíelo de nuevo.
    .title = Solicitud demasiado larga
error-malformed = No pudimos leer el formulario. Vuelva a cargar la página y envíelo de nuevo.
    .title = No pudimos leer el formulario
error-validation = Hay que cambiar algunas respuestas antes de poder enviar el formulario.
    .title = Hay un problema
error-idempotency-key-reused = Este formulario ya se envió con otras respuestas. Vuelva a cargar la página y envíelo de nuevo.
    .title = Envíe el formulario de nuevo
error-rate-limited = Hemos recibido varias solicitudes desde su conexión en la última hora. Inténtelo más tarde o llame a la consulta.
    .title = Demasiadas solicitudes
error-temporarily-unavailable = No pudimos guardar su solicitud en este momento, así que no se envió nada. Inténtelo de nuevo en un minuto.
    .title = Inténtelo de nuevo en un momento
error-internal = Algo falló de nuestro lado y puede que su solicitud no se haya guardado. Inténtelo de nuevo o comuníquese directamente con la consulta.
    .title = Algo salió mal
