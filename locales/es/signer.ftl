# El recorrido de quien firma, en español. Los mismos mensajes y variables que en inglés.

language-name = Español
switch-language = Idioma:

## Dates

date = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Counts

count-organisations =
    { $count ->
        [one] { $count } organización
       *[other] { $count } organizaciones
    }
count-countries =
    { $count ->
        [one] { $count } país
       *[other] { $count } países
    }
count-changes =
    { $count ->
        [one] { $count } cambio
       *[other] { $count } cambios
    }

## The letter page

letter-to = A: { $recipient }
letter-from = De: { $coalition } y las organizaciones firmantes
signed-so-far = Han firmado hasta ahora { $organisations } de { $countries }.
signed-in-all = Firmaron { $organisations } de { $countries }.
no-one-signed-yet = Ninguna organización ha firmado todavía.
sign-this-letter = Firmar esta carta
campaign-part = Forma parte de la campaña:
delivered = Entregada a { $recipient } el { $date } con { $organisations } de { $countries }; la lista de abajo es la lista entregada.
printable-copy = Versión para imprimir
version-note = Esta es la versión { $version } del texto; una organización que firmó una versión anterior aparece marcada con ella.
earlier-versions = Versiones anteriores
not-translated = Esta carta aún no tiene traducción al español: aquí está su texto original.
read-in = Leer la carta en:

## The sign form

sign-heading = Firme esta carta en nombre de su organización
errors-title =
    { $count ->
        [one] Todavía no se ha firmado nada: corrija este campo
       *[other] Todavía no se ha firmado nada: corrija estos campos
    }
error-item = { $field }: { $message }
field-organisation = Nombre de la organización
field-country = País
choose-country = Elija un país
country-hint = (escriba el nombre del país para encontrarlo)
field-website = Sitio web
optional = (opcional)
field-name = Su nombre
field-role = Su cargo en la organización
field-email = Su correo electrónico
email-hint = (para confirmar; nunca se publica)
field-comment = Comentario
comment-hint = (opcional, solo lo ven las personas coordinadoras)
field-consent = Consentimiento
consent-text = Acepto que se guarden mi nombre, mi cargo y mi correo electrónico para gestionar esta firma. Solo se publican el nombre, el país y el sitio web de la organización.
honeypot = Deje este campo vacío
sign-button = Firmar la carta
closed = Esta carta está cerrada y ya no admite firmas.
closed-delivered = Esta carta ya se entregó y no admite firmas.

## The list

signatories-heading = Firmantes
signatories-count = ({ $organisations }, { $countries })
no-one-listed = Todavía no hay ninguna organización en la lista.
chart-alt = Gráfico de barras de las firmantes por país; las cifras están en la tabla de abajo
chart-table = El gráfico como tabla
# The chart (chart.svg): its title and the countries past its bars.
chart-title = Firmantes por país ({ $total } en total)
chart-others =
    { $others ->
        [one] y { $others } país más: { $sum }
       *[other] y { $others } países más: { $sum }
    }
table-country = País
table-organisations = Organizaciones
list-as-data = La lista como datos:
changes-feed = cambios (Atom)
licence-list = La lista se publica bajo
licence-text = el texto de la carta bajo
licence-text-reserved = el texto de la carta: todos los derechos reservados por { $coalition }.
licence-not-software = Son las licencias de esta carta y de su lista, no las del software que las publica.
data-dictionary = Qué significa cada columna (Data Package)
badges-explained = «verificada: example.org» significa que alguien que firmó por la organización confirmó un correo electrónico en el dominio del sitio web de la organización, el que se indica; «invitada», que la organización firmó mediante una invitación personal que le envió la coalición. Las demás organizaciones aparecen tal como firmaron.
record = Cada cambio de esta lista se guarda en un registro público firmado ({ $changes } hasta ahora), de modo que cualquiera puede comprobar que los nombres solo se añadieron o retiraron como consta.
record-link = Ver el registro
first-listed = Abajo aparecen las primeras { $listed } firmantes; los archivos de arriba tienen las { $total }, y cada país tiene su propia página:
all-from-country = Las { $count } de { $country }
badge-verified = verificada: { $domain }
badge-verified-title = Alguien que firmó por esta organización confirmó un correo electrónico en este dominio, el de su sitio web.
badge-invited = invitada
badge-invited-title = Firmó mediante una invitación personal que la coalición de la carta envió a esta organización.
badge-imported = inscrita por la coalición
badge-imported-title = Añadida por la coalición de la carta a partir de una lista de firmantes que reunió.
signed-version = (firmó la versión { $version })
cite-this = Citar esta lista:
citation = { $coalition }, «{ $title }», carta abierta a { $recipient }, firmada por { $organisations } de { $countries } (versión { $version } de la lista, { $date }), { $url }

## A country's page

country-heading = Firmantes de { $country }
country-count = ({ $count } de { $total })
country-as-data = La lista de este país como datos:
from-the-start = Desde el principio
next-page = Las { $count } siguientes

## After signing

check-email-title = Revise su correo
check-email = Gracias. Hemos enviado un correo a la dirección que indicó sobre su firma de «{ $title }»: ábralo para confirmar, o para saber qué ocurrió si esta dirección o su organización ya había firmado.
back-to-letter = Volver a la carta

## The pages behind the links in mails

action-letter = Carta:
action-organisation = Organización:
confirm-heading = Confirme su firma
confirm-explain = Pulse el botón para confirmar que su organización firma esta carta.
confirm-button = Confirmar la firma
confirm-published = Esta firma está confirmada y publicada.
confirm-waiting = Esta firma está confirmada y espera a las personas coordinadoras de la carta.
confirm-ended = Esta firma se retiró o no fue aceptada.
confirmed-heading = Firma confirmada
confirmed-listed = Gracias: la firma está confirmada y su organización ya aparece en la lista.
confirmed-held = Gracias: la firma está confirmada. La carta ya tiene una firma de su organización desde otra dirección; las personas coordinadoras de la carta verán ambas y decidirán cuál vale.
confirmed-review = Gracias: la firma está confirmada. Las personas coordinadoras de la carta la revisarán antes de añadirla a la lista.
withdraw-heading = Retire su firma
withdraw-explain = Pulse el botón para retirar la firma de su organización. Dejará de aparecer en la lista.
withdraw-button = Retirar la firma
withdraw-ended = Esta firma ya no está activa.
withdrawn-heading = Firma retirada
withdrawn = La firma se ha retirado y ya no aparece en la lista.
link-expired = Este enlace de confirmación ha caducado; vuelva a firmar, por favor.

## Unsubscribing from a letter's updates

unsubscribe-heading = Dejar de recibir novedades de esta carta
unsubscribe-explain = Las personas coordinadoras de la carta envían de vez en cuando novedades a quienes firmaron (por ejemplo, cuando responde la persona destinataria). Pulse el botón para no recibir más. La firma de su organización no cambia.
unsubscribe-button = Darme de baja
unsubscribe-done = Se ha dado de baja: ya no recibirá novedades de esta carta.
unsubscribed-heading = Se ha dado de baja
unsubscribed-already = Ya se había dado de baja: no recibe novedades de esta carta.
unsubscribed = Ya no recibirá novedades de esta carta. La firma de su organización no cambia; para retirarla, use el enlace de cualquiera de los correos de la carta.

## The page behind an invitation's link

invitation-title = Invitación: { $title }
invitation-invites = { $coalition } invita a { $organisation } ({ $country }) a firmar esta carta.
invitation-sign-heading = Firmar en nombre de { $organisation }
invitation-keep-withdraw = Para retirar la firma más adelante, guarde este enlace:
invitation-withdraw-link = retirar la firma
invitation-correct = Corrija los campos marcados abajo.
invitation-organisation = Organización
invitation-personal = Este enlace es personal de { $organisation }: firmar con él no requiere correo de confirmación, y la organización figura como verificada por invitación.
invitation-consent = Acepto que mi nombre y mi cargo se conserven, junto con la dirección a la que se envió esta invitación, para gestionar esta firma. Solo se publican el nombre, el país y el sitio web de la organización.
invitation-public-page = La página pública de la carta
invitation-signed-listed = { $organisation } ha firmado esta carta y figura entre sus firmantes.
invitation-signed-waiting = { $organisation } ha firmado esta carta. Los coordinadores de la carta revisarán la firma antes de publicarla.
invitation-deadline-passed = El plazo para firmar esta carta ha terminado.
invitation-thanks-listed = Gracias: { $organisation } ha firmado y ya figura entre los firmantes.
invitation-thanks-review = Gracias: { $organisation } ha firmado. Los coordinadores de la carta revisarán la firma antes de publicarla.
invitation-signed-before = Su organización ya había firmado esta carta; no ha cambiado nada.

## Why a field was refused (after the field's name; the API answers with the English text)

problem-required = es obligatorio
problem-blank = no puede estar en blanco
problem-empty = no puede estar vacío
problem-too-long = debe tener como máximo { $max } caracteres
problem-not-one-line = debe ser una sola línea, sin saltos de línea ni caracteres de control
problem-invisible = no debe contener caracteres invisibles ni de dirección del texto ({ $code_point })
problem-not-a-web-address = debe ser una dirección web
problem-not-http = debe ser una dirección http o https
problem-no-host = debe nombrar un sitio, como example.org
problem-has-credentials = no debe contener nombre de usuario ni contraseña
problem-not-an-email-address = debe ser una dirección de correo electrónico, como nombre@example.org
problem-undeliverable = no puede recibir correo: «{ $domain }» no es un dominio de Internet (una dirección se parece a nombre@example.org)
problem-not-a-language-tag = debe ser un código de idioma como en, fr o pt-BR
problem-no-consent = debe aceptar el aviso de privacidad para firmar

## A draft's secret preview link (/preview/{token})
preview-notice = Vista previa de un borrador, compartida con usted antes de que se abra a las firmas. Por favor, no reenvíe este enlace: el texto aún puede cambiar.
preview-opens = La carta se abrirá a las firmas el { $time }.
