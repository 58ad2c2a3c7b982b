# La consola del personal: todo lo que el personal lee en ella, y los correos de las cuentas.
console-name = Solicitudes de consulta
skip-to-content = Ir al contenido principal
nav-label = Consola
nav-requests = Solicitudes
nav-held = Retenidas para revisión
nav-account = Sus llaves de acceso y sesiones
nav-staff = Personal
nav-access-log = Registro de accesos
sign-out = Cerrar sesión
error-prefix = Error:
error-summary-title = Hay un problema
back-to-requests = Volver a las solicitudes
needs-javascript = Para entrar con una llave de acceso hace falta JavaScript. Actívelo para este sitio o use un navegador que lo tenga.
never = Nunca
unassigned = Sin asignar

## Entrar y confirmar
sign-in-title = Entrar
sign-in-lead = Entre con la llave de acceso de este dispositivo: su huella, su cara o el bloqueo de pantalla. No hay contraseña.
sign-in-button = Entrar con una llave de acceso
sign-in-autofill = Su correo electrónico (su navegador puede ofrecerle aquí su llave de acceso)
sign-in-failed = No se pudo entrar. Inténtelo de nuevo, o pida a un administrador una invitación nueva si ya no tiene su llave de acceso.
step-up-title = Confirme que es usted
step-up-lead = Esto necesita una comprobación reciente con su llave de acceso. Confirme y vuelva a hacerlo.
step-up-button = Confirmar con su llave de acceso
step-up-failed = No funcionó. Inténtelo de nuevo.

## Invitaciones
invite-title = Cree su llave de acceso
invite-greeting = Hola, { $name }.
invite-lead = Le han invitado a las solicitudes de consulta de la práctica. Cree una llave de acceso en este dispositivo para entrar: no hay contraseña que recordar.
invite-button = Crear su llave de acceso
invite-failed = No se pudo crear la llave de acceso. Inténtelo de nuevo.
invite-expired-title = Esta invitación ha caducado
invite-expired-body = Las invitaciones sirven 24 horas. Pida a un administrador de la práctica que le envíe otra.
invite-used-title = Esta invitación ya se usó
invite-used-body = Se usó para crear una llave de acceso, o una invitación más reciente la sustituyó. Entre con su llave de acceso o pida a un administrador una invitación nueva.
invite-unknown-title = Esta invitación no funciona
invite-unknown-body = Compruebe que abrió el enlace completo del correo, o pida a un administrador una invitación nueva.

## Rechazos
refused-title = No puede hacer eso aquí
refused-body = Puede que su sesión haya terminado o que esta página se abriera desde otro sitio. Vuelva a las solicitudes e inténtelo de nuevo.
not-found-title = Página no encontrada
not-found-body = Aquí no hay nada, o usted no tiene acceso.
erased-title = Esta solicitud se borró
erased-body = Se borró mientras la miraba. No se cambió nada.
too-many-title = Demasiados intentos
too-many-body = Ha habido demasiados intentos desde aquí. Espere unos minutos e inténtelo de nuevo.
unavailable-title = Lo sentimos, la consola no funciona en este momento
unavailable-body = No se perdió nada de lo que hizo. Inténtelo de nuevo dentro de un minuto.

## Solicitudes
requests-open = Solicitudes abiertas
requests-in-state = Solicitudes: { $state }
requests-none = No hay solicitudes aquí.
search-results = { $count ->
    [one] 1 solicitud encontrada
   *[other] { $count } solicitudes encontradas
}
filter-state = Mostrar
filter-open = Abiertas (nuevas, contactadas, programadas)
filter-apply = Mostrar estas
filter-everyone = Todos
filter-since = Desde
search-label = Buscar las solicitudes de una persona
search-hint = Su correo electrónico o su teléfono, tal como los escribió.
search-button = Buscar
next-page = Siguientes 50 solicitudes
col-reference = Referencia
col-name = Nombre
col-received = Recibida
col-marks = Marcas
col-state = Estado
col-assigned = Asignada a
col-reminder = Recordatorio
col-when = Cuándo
col-who = Quién
col-what = Qué
col-note = Nota
col-reason = Por qué está retenida
col-action = Acción
col-passkey = Llave de acceso
col-added = Añadida
col-last-used = Último uso
col-began = Entró
col-last-seen = Última actividad
col-browser = Navegador
col-email = Correo electrónico
col-role = Función
col-status = Situación
col-client = Dirección (cifrada)
mark-urgent = Urgente
mark-unverified = Sin verificar
state-new = Nueva
state-contacted = Contactada
state-scheduled = Consulta programada
state-declined = Rechazada
state-referred = Derivada a otro lugar
state-closed = Cerrada
state-held = Retenida para revisión

## Una solicitud
request-title = Solicitud { $reference }
field-reference = Referencia
field-received = Recibida
field-name = Nombre
field-email = Correo electrónico
field-phone = Teléfono
field-preferred-contact = Contacto preferido
field-best-time = Mejor momento para contactar
field-session-format = Formato de la sesión
field-message = Lo que escribió
field-language = Idioma
field-verification = Verificación
field-held = Retenida para revisión
field-staff-email = Correo al personal
field-consent = Versión del consentimiento
contact-email = Correo electrónico
contact-phone = Teléfono
contact-text = Mensaje de texto
format-in_person = En persona
format-telehealth = Por videollamada
format-either = Cualquiera
language-en = Inglés
language-es = Español
verification-not-required = No se pidió
verification-passed = Superada
verification-unverified = Sin verificar: no se pudo hacer la comprobación
held-honeypot = Se rellenó un campo oculto (un robot, o el autocompletado de un navegador)
held-no_captcha = Enviada sin la comprobación contra el spam (sin JavaScript)
held-already-sent = ya enviada al personal
notify-pending = Aún no enviado (se reintenta)
notify-sent = Enviado
notify-failed = Falló: vea el correo alternativo
notify-held = No enviado: retenida para revisión
delivery-delivered = entregado
delivery-bounced = rebotado
delivery-complained = marcado como spam
delivery-rejected = rechazado
delivery-delayed = retrasado
delivery-rendering_failed = no se pudo generar
follow-up-heading = Seguimiento
follow-up-lead = Cuando haya contactado, regístrelo:
history-caption = Lo que ha pasado hasta ahora
by-email-link = Un enlace del correo al personal
by-reply = Una respuesta a la persona
by-operator = La herramienta del operador
notes-heading = Notas
note-label = Añadir una nota
note-hint = Cada intento de contactar, por ejemplo "dejé un mensaje de voz". Como mucho 500 caracteres, en una línea.
note-add = Añadir la nota
note-empty = Escriba primero la nota
note-too-long = La nota debe tener 500 caracteres o menos
note-control = La nota debe ser una línea de texto, sin caracteres invisibles
assignment-heading = Asignada a
viewed-by-heading = Vista por
viewed-by-none = Nadie todavía.
admin-heading = Exportar o borrar
export-button = Exportar esta solicitud
erase-confirm = Estoy seguro: borrar todo lo guardado sobre esta solicitud
erase-button = Borrar esta solicitud

## Retenidas para revisión
held-title = Retenidas para revisión
held-lead = Estas solicitudes se retuvieron como posible spam. Si alguna es de una persona real, envíela al personal.
held-none = No hay nada retenido para revisión.
not-spam = No es spam: enviarla al personal

## Cuenta
account-title = Sus llaves de acceso y sesiones
passkeys-heading = Llaves de acceso
passkey-name-label = Nombre de esta llave de acceso
passkey-rename = Cambiar el nombre
passkey-remove = Quitar
passkey-add = Añadir una llave de acceso en este dispositivo
passkey-add-failed = No se pudo añadir la llave de acceso. Inténtelo de nuevo.
sessions-heading = Dónde tiene la sesión abierta
session-this = Este navegador
session-end = Cerrar esa sesión

## Personal
staff-title = Personal
role-front-desk = Recepción
role-clinician = Terapeuta
role-admin = Administrador
role-change = Cambiar la función
status-active = Activo
status-invited = Invitado
status-removed = Dado de baja
invite-again = Enviar una invitación nueva
staff-remove = Dar de baja
invite-heading = Invitar a alguien
invite-send = Enviar la invitación
invite-email-invalid = Escriba un correo electrónico, como nombre@ejemplo.com
invite-name-invalid = Escriba su nombre (como mucho 100 caracteres, en una línea)
invite-role-invalid = Elija una función
invite-email-taken = Ya hay una cuenta con este correo electrónico
last-admin = La práctica necesita al menos un administrador: haga administrador a otra persona primero

## Registro de accesos
access-log-title = Registro de accesos
access-log-lead = Cada vista, búsqueda y cambio de una solicitud, y cada entrada, guardados seis años. No nombra a ninguna persona que escribiera.
access-log-none = No se registró nada para esto.
action-signed_in = Entró
action-sign_in_failed = No pudo entrar
action-signed_out = Cerró sesión
action-session_ended = Cerró una sesión
action-invited = Envió una invitación
action-passkey_added = Añadió una llave de acceso
action-passkey_removed = Quitó una llave de acceso
action-staff_removed = Dio de baja a alguien del personal
action-role_changed = Cambió una función
action-listed = La vio en una lista
action-viewed = La abrió
action-searched = Buscó
action-follow_up_changed = Cambió su seguimiento
action-note_added = Añadió una nota
action-assignment_changed = Cambió su asignación
action-released = La envió al personal
action-erased = La borró
action-exported = La exportó
action-resent = Reenvió su correo al personal
action-access_log_read = Leyó el registro de accesos

## Correos de las cuentas
invite-email-subject = Su invitación a las solicitudes de consulta de la práctica
invite-email-greeting = Hola, { $name }:
invite-email-body = { $by } le invitó a las solicitudes de consulta de la práctica, con la función { $role }. Abra el enlace en el teléfono o el ordenador que vaya a usar y cree allí una llave de acceso: no hay contraseña.
invite-email-expiry = El enlace sirve 24 horas. Si ha caducado, pida uno nuevo a un administrador.
invite-email-button = Crear su llave de acceso
notice-passkey-added-subject = Se añadió una llave de acceso para { $name }
notice-passkey-added-body = Se añadió una llave de acceso a la cuenta de la consola de { $name } ({ $email }).
notice-passkey-removed-subject = Se quitó una llave de acceso de { $name }
notice-passkey-removed-body = Se quitó una llave de acceso de la cuenta de la consola de { $name } ({ $email }).
notice-admin-invited-subject = Se invitó a { $name } como administrador
notice-admin-invited-body = Se invitó a { $name } ({ $email }) a la consola como administrador.
notice-not-you = Si no lo esperaba, avise enseguida a un administrador de la práctica.

## Routing among clinicians

action-profile_changed = Cambió el perfil de un terapeuta
history-assigned = Asignada a { $name }
history-unassigned = Devuelta a recepción
by-routing = Asignación automática
assigned-to = Asignada a { $name }
routing-reason = Asignación: { $reason }
assign-label = Asignar a
assign-nobody = Nadie (recepción)
assign-button = Cambiar la asignación
hand-back-button = Devolver a recepción
profile-heading = Perfil
profile-title = Perfil de { $name }
profile-lead = Una solicitud nueva se asigna a un terapeuta que acepta clientes nuevos y coincide con cada respuesta por la que la consulta asigna.
profile-regions = Con licencia en
profile-regions-hint = Los estados y territorios de EE. UU., por su código de dos letras, separados por comas (IL, WI).
profile-payers = Seguros que acepta
profile-client_types = Clientes que atiende
profile-languages = Idiomas
profile-accepting = Acepta clientes nuevos
profile-save = Guardar el perfil
profile-edit = Perfil
profile-unknown = { $field }: no es uno que use la consulta: { $values }
profile-none = ninguno
account-accepting-on = Usted acepta clientes nuevos: se le pueden asignar solicitudes nuevas.
account-accepting-off = Ahora no acepta clientes nuevos: no se le asigna ninguna solicitud nueva.
account-accepting-stop = Dejar de aceptar clientes nuevos
account-accepting-start = Volver a aceptar clientes nuevos
