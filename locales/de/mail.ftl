# E-Mails an Unterzeichnende.

mail-hello = Guten Tag { $name },
read-letter = Den Brief lesen:
ignore-if-not-you = Wenn Sie das nicht waren, können Sie diese E-Mail ignorieren.
time-utc = { $date }, { $time } Uhr UTC

## The confirmation mail

confirm-subject = Bitte bestätigen Sie Ihre Unterschrift: { $title }
confirm-asked = Sie möchten den offenen Brief „{ $title }“ im Namen von { $organisation } unterzeichnen.
confirm-held = Bitte beachten Sie: Dieser Brief hat schon eine Unterschrift für { $organisation }, von einer anderen Adresse. Ihre wird nicht allein auf der Liste stehen. Sobald Sie bestätigen, sieht die Koalition, die den Brief geschrieben hat, beide Unterschriften und entscheidet, welche gilt; die andere Person erfährt, dass eine zweite Unterschrift von einer Adresse Ihrer Domain kam (nie die Adresse selbst).
confirm-open = Um die Unterschrift zu bestätigen, öffnen Sie diesen Link und drücken Sie die Schaltfläche auf der Seite:
confirm-or-open = Oder öffnen Sie diesen Link und drücken Sie die Schaltfläche auf der Seite:
confirm-until = Der Link gilt bis { $until }. Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Es wird nichts veröffentlicht.
withdraw-any-time = Um die Unterschrift jederzeit zurückzuziehen, öffnen Sie:

## "You signed already"

already-subject = Sie haben schon unterzeichnet: { $title }
already-asked = Jemand hat mit dieser Adresse gebeten, den offenen Brief „{ $title }“ zu unterzeichnen. Diese Adresse hat ihn schon unterzeichnet, im Namen von { $organisation }: { $standing }. Eine Adresse unterzeichnet einen Brief nur einmal, daher wurde nichts weiter unterzeichnet.
already-nothing = Wenn Sie das so wollten, ist nichts zu tun. Um Ihre Unterschrift zurückzunehmen, ziehen Sie sie zurück:
already-pending = Um sie zu bestätigen, öffnen Sie den Link in der Bestätigungs-E-Mail, die wir Ihnen geschickt haben.
standing-listed = sie steht seit dem { $date } auf der Liste
standing-pending = sie wartet auf Ihre Bestätigung
standing-review = sie ist bestätigt und wartet auf die Prüfung durch die Koalition

## To a colleague: "your organisation signed already" (naming no one)

mail-hello-all = Guten Tag,
listed-subject = { $organisation } hat bereits unterzeichnet: { $title }
listed-asked = Jemand hat mit dieser Adresse darum gebeten, den offenen Brief „{ $title }“ im Namen von { $organisation } zu unterzeichnen. { $organisation } hat ihn bereits unterzeichnet: { $standing }. Eine Organisation unterzeichnet einen Brief nur einmal, daher wurde nichts weiter unterzeichnet.
listed-since = sie steht seit dem { $date } auf der Liste
listed-waiting = die Unterschrift einer Kollegin oder eines Kollegen wartet auf Bestätigung oder auf die Prüfung durch das Bündnis
listed-ask = Wenn Sie wissen möchten, wer unterzeichnet hat, fragen Sie Ihre Kolleginnen und Kollegen. Wenn { $organisation } Ihrer Meinung nach nicht auf der Liste stehen sollte, schreiben Sie dem Bündnis, das den Brief verfasst hat: { $coalition }.

## To a signer: another signature for their organisation, held

contested-subject = Eine weitere Unterschrift für { $organisation }: { $title }
contested-signed = Sie haben den offenen Brief „{ $title }“ im Namen von { $organisation } unterzeichnet.
contested-other = Jemand hat ihn nun ebenfalls im Namen von { $organisation } unterzeichnet, von einer Adresse bei { $domain }, und diese Adresse bestätigt. Eine Organisation unterzeichnet einen Brief nur einmal, daher wird diese Unterschrift zurückgehalten: Sie wird nicht veröffentlicht. Das Bündnis, das den Brief verfasst hat, sieht beide Unterschriften und entscheidet, welche gilt.
contested-still-listed = Bis dahin bleibt Ihre auf der Liste.
contested-mistake = Wenn die andere Person eine Kollegin oder ein Kollege ist, ist nichts zu tun. Wenn { $organisation } diesen Brief nicht unterzeichnet hat und Sie versehentlich in ihrem Namen unterzeichnet haben, ziehen Sie Ihre Unterschrift zurück:

## An update from the coordinators

update-subject = { $subject } (Neuigkeiten zu „{ $title }“)
update-intro = Die Koordination des offenen Briefs „{ $title }“, den { $organisation } unterzeichnet hat, schickt diese Neuigkeiten:
update-letter = Der Brief:
update-read = Den Brief und seine Unterzeichnenden lesen
update-why = Sie erhalten diese E-Mail, weil Sie den Brief für { $organisation } unterzeichnet haben.
update-stop = Um keine Neuigkeiten zu diesem Brief mehr zu erhalten, öffnen Sie:
update-stop-link = Keine Neuigkeiten zu diesem Brief mehr erhalten
update-withdraw = Um die Unterschrift Ihrer Organisation zurückzuziehen, öffnen Sie:
update-withdraw-link = Unterschrift zurückziehen

## The invitation to sign (in the letter's language)

invite-subject = { $organisation } ist eingeladen, „{ $title }“ zu unterzeichnen
invite-subject-reminder = Erinnerung: { $organisation } ist eingeladen, „{ $title }“ zu unterzeichnen
invite-title = Einladung zur Unterzeichnung
invite-reminder = Zur Erinnerung:
invite-invites = { $coalition } lädt { $organisation } ({ $country }) ein, den offenen Brief „{ $title }“ an { $recipient } zu unterzeichnen.
invite-personal = Dieser Link gilt nur für { $organisation }: Öffnen Sie ihn, um den Brief zu lesen und in einem Schritt zu unterzeichnen, ohne Bestätigungs-E-Mail:
invite-button = Den Brief lesen und unterzeichnen
invite-or-open = Oder öffnen Sie diesen Link:
invite-until = Der Brief kann bis { $deadline } unterzeichnet werden.
invite-published = Veröffentlicht werden nur Name, Land und Website der Organisation, als durch Einladung verifiziert gekennzeichnet; Name und Funktion der unterzeichnenden Person sieht nur die Koordination.
invite-ignore = Wenn { $organisation } nicht unterzeichnen möchte, ignorieren Sie diese E-Mail.
