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
