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
