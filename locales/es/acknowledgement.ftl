# La respuesta breve a la persona (SEND_ACKNOWLEDGEMENT), en español. No repite nada de lo que
# escribió, ni siquiera su nombre: cualquiera puede escribir la dirección de otra persona.

acknowledgement-subject = Recibimos su solicitud
acknowledgement-greeting = Gracias por escribirnos.
acknowledgement-received = Recibimos su solicitud de una consulta gratuita. Alguien de la consulta se comunicará con usted, normalmente en un día hábil, de la forma que nos indicó. No hace falta que envíe el formulario otra vez.
acknowledgement-not-you = Si usted no envió esta solicitud, puede ignorar este correo; no volveremos a escribirle a menos que nos responda.
