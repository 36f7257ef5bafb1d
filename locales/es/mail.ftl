# Correos a quienes firman.

mail-hello = Hola, { $name }:
read-letter = Leer la carta:
ignore-if-not-you = Si no fue usted, puede ignorar este correo.
time-utc = { $date }, a las { $time } UTC

## The confirmation mail

confirm-subject = Confirme su firma: { $title }
confirm-asked = Pidió firmar la carta abierta «{ $title }» en nombre de { $organisation }.
confirm-held = Tenga en cuenta que esta carta ya tiene una firma de { $organisation }, hecha desde otra dirección. La suya no aparecerá sola en la lista. Cuando confirme, la coalición que escribió la carta verá ambas firmas y decidirá cuál vale; a la otra persona se le dirá que se hizo una segunda firma desde una dirección de su dominio (nunca la dirección misma).
confirm-open = Para confirmar la firma, abra este enlace y pulse el botón de la página:
confirm-or-open = O abra este enlace y pulse el botón de la página:
confirm-until = El enlace funciona hasta el { $until }. Si no lo pidió, ignore este correo: no se publicará nada.
withdraw-any-time = Para retirar la firma en cualquier momento, abra:

## "You signed already"

already-subject = Ya firmó: { $title }
already-asked = Alguien pidió, con esta dirección, firmar la carta abierta «{ $title }». Esta dirección ya la firmó, en nombre de { $organisation }: { $standing }. Una dirección firma una carta una sola vez, así que no se firmó nada más.
already-nothing = Si eso es lo que quería, no hay nada que hacer. Para retirar su firma, use:
already-pending = Para confirmarla, abra el enlace del correo de confirmación que le enviamos antes.
standing-listed = figura en la lista desde el { $date }
standing-pending = espera su confirmación
standing-review = está confirmada y espera la revisión de la coalición

## To a colleague: "your organisation signed already" (naming no one)

mail-hello-all = Hola:
listed-subject = { $organisation } ya firmó: { $title }
listed-asked = Alguien pidió, con esta dirección, firmar la carta abierta «{ $title }» en nombre de { $organisation }. { $organisation } ya la ha firmado: { $standing }. Una organización firma una carta una sola vez, así que no se firmó nada más.
listed-since = figura en la lista desde el { $date }
listed-waiting = la firma de un colega espera su confirmación o la revisión de la coalición
listed-ask = Si quiere saber quién firmó, pregunte a sus colegas. Si cree que { $organisation } no debería figurar en la lista, escriba a la coalición que redactó la carta, { $coalition }.

## To a signer: another signature for their organisation, held

contested-subject = Otra firma de { $organisation }: { $title }
contested-signed = Usted firmó la carta abierta «{ $title }» en nombre de { $organisation }.
contested-other = Alguien acaba de firmarla también en nombre de { $organisation }, desde una dirección de { $domain }, y ha confirmado esa dirección. Una organización firma una carta una sola vez, así que esa firma queda retenida: no se publica. La coalición que redactó la carta ve ambas firmas y decide cuál vale.
contested-still-listed = Mientras tanto, la suya sigue en la lista.
contested-mistake = Si la otra persona es un colega, no hay nada que hacer. Si { $organisation } no firmó esta carta y usted firmó en su nombre por error, retire su firma:

## An update from the coordinators

update-subject = { $subject } (novedades sobre «{ $title }»)
update-intro = Los coordinadores de la carta abierta «{ $title }», que { $organisation } firmó, envían estas novedades:
update-letter = La carta:
update-read = Leer la carta y sus firmantes
update-why = Recibe este correo porque firmó la carta en nombre de { $organisation }.
update-stop = Para no recibir más novedades sobre esta carta, abra:
update-stop-link = No recibir más novedades sobre esta carta
update-withdraw = Para retirar la firma de su organización, abra:
update-withdraw-link = Retirar la firma

## The invitation to sign (in the letter's language)

invite-subject = { $organisation } está invitada a firmar «{ $title }»
invite-subject-reminder = Recordatorio: { $organisation } está invitada a firmar «{ $title }»
invite-title = Invitación a firmar
invite-reminder = Un recordatorio:
invite-invites = { $coalition } invita a { $organisation } ({ $country }) a firmar la carta abierta «{ $title }», dirigida a { $recipient }.
invite-personal = Este enlace es personal de { $organisation }: ábralo para leer la carta y firmarla en un solo paso, sin correo de confirmación:
invite-button = Leer y firmar la carta
invite-or-open = O abra este enlace:
invite-until = La carta puede firmarse hasta el { $deadline }.
invite-published = Solo se publican el nombre, el país y el sitio web de la organización, marcada como verificada por invitación; el nombre y el cargo de quien firma solo los ven los coordinadores.
invite-ignore = Si { $organisation } no quiere firmar, ignore este correo.
