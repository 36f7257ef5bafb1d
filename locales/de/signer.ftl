# Der Weg der Unterzeichnenden, auf Deutsch. Dieselben Meldungen und Platzhalter wie auf Englisch.

language-name = Deutsch
switch-language = Sprache:

## Dates

date = { $day }. { $month } { $year }
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

## Counts

count-organisations =
    { $count ->
        [one] { $count } Organisation
       *[other] { $count } Organisationen
    }
count-countries =
    { $count ->
        [one] { $count } Land
       *[other] { $count } Ländern
    }
count-changes =
    { $count ->
        [one] { $count } Änderung
       *[other] { $count } Änderungen
    }

## The letter page

letter-to = An: { $recipient }
letter-from = Von: { $coalition } und den unterzeichnenden Organisationen
signed-so-far = { $organisations } aus { $countries } haben bisher unterzeichnet.
signed-in-all = { $organisations } aus { $countries } haben unterzeichnet.
no-one-signed-yet = Noch keine Organisation hat unterzeichnet.
sign-this-letter = Diesen Brief unterzeichnen
campaign-part = Teil der Kampagne:
delivered = Am { $date } an { $recipient } übergeben, mit { $organisations } aus { $countries }; die Liste unten ist die übergebene Liste.
printable-copy = Druckfassung
version-note = Dies ist Fassung { $version } des Textes; eine Organisation, die eine frühere Fassung unterzeichnet hat, ist entsprechend gekennzeichnet.
earlier-versions = Frühere Fassungen
not-translated = Diesen Brief gibt es noch nicht auf Deutsch: Hier ist sein Originaltext.
read-in = Den Brief lesen auf:

## The sign form

sign-heading = Diesen Brief im Namen Ihrer Organisation unterzeichnen
errors-title =
    { $count ->
        [one] Noch wurde nichts unterzeichnet: Bitte korrigieren Sie dieses Feld
       *[other] Noch wurde nichts unterzeichnet: Bitte korrigieren Sie diese Felder
    }
error-item = { $field }: { $message }
field-organisation = Name der Organisation
field-country = Land
choose-country = Wählen Sie ein Land
country-hint = (tippen Sie den Namen des Landes, um es zu finden)
field-website = Website
optional = (freiwillig)
field-name = Ihr Name
field-role = Ihre Funktion in der Organisation
field-email = Ihre E-Mail-Adresse
email-hint = (zur Bestätigung; wird nie veröffentlicht)
field-comment = Kommentar
comment-hint = (freiwillig, nur für die Koordinierenden sichtbar)
field-consent = Einwilligung
consent-text = Ich bin einverstanden, dass mein Name, meine Funktion und meine E-Mail-Adresse gespeichert werden, um diese Unterschrift zu verwalten. Veröffentlicht werden nur Name, Land und Website der Organisation.
honeypot = Dieses Feld leer lassen
sign-button = Brief unterzeichnen
closed = Dieser Brief ist geschlossen und nimmt keine Unterschriften mehr an.
closed-delivered = Dieser Brief wurde übergeben und nimmt keine Unterschriften mehr an.

## The list

signatories-heading = Unterzeichnende
signatories-count = ({ $organisations }, { $countries })
no-one-listed = Noch steht keine Organisation auf der Liste.
chart-alt = Balkendiagramm der Unterzeichnenden nach Land; die Zahlen stehen in der Tabelle darunter
chart-table = Das Diagramm als Tabelle
# The chart (chart.svg): its title and the countries past its bars.
chart-title = Unterzeichnende nach Land (insgesamt { $total })
chart-others =
    { $others ->
        [one] und { $others } weiteres Land: { $sum }
       *[other] und { $others } weitere Länder: { $sum }
    }
table-country = Land
table-organisations = Organisationen
list-as-data = Die Liste als Daten:
changes-feed = Änderungen (Atom)
licence-list = Die Liste steht unter
licence-text = der Text des Briefs unter
licence-text-reserved = der Text des Briefs: alle Rechte vorbehalten von { $coalition }.
licence-not-software = Das sind die Lizenzen dieses Briefs und seiner Liste, nicht die der Software, die sie veröffentlicht.
data-dictionary = Was jede Spalte bedeutet (Data Package)
badges-explained = „bestätigt: example.org“ heißt, dass jemand, der für die Organisation unterzeichnet hat, eine E-Mail-Adresse an der Domain der Website der Organisation bestätigt hat, der genannten; „eingeladen“, dass die Organisation über eine persönliche Einladung der Koalition unterzeichnet hat. Andere Organisationen stehen so auf der Liste, wie sie unterzeichnet haben.
record = Jede Änderung dieser Liste wird in einem signierten öffentlichen Register festgehalten (bisher { $changes }), sodass alle prüfen können, dass Namen nur so hinzugefügt oder zurückgezogen wurden, wie es verzeichnet ist.
record-link = Register ansehen
first-listed = Die ersten { $listed } Unterzeichnenden stehen unten; die Dateien oben enthalten alle { $total }, und jedes Land hat eine eigene Seite:
all-from-country = Alle { $count } aus { $country }
badge-verified = bestätigt: { $domain }
badge-verified-title = Jemand, der für diese Organisation unterzeichnet hat, hat eine E-Mail-Adresse an dieser Domain bestätigt, der ihrer Website.
badge-invited = eingeladen
badge-invited-title = Über eine persönliche Einladung unterzeichnet, die die Koalition des Briefs dieser Organisation geschickt hat.
badge-imported = von der Koalition eingetragen
badge-imported-title = Von der Koalition des Briefs aus einer selbst gesammelten Liste von Unterzeichnenden hinzugefügt.
signed-version = (hat Fassung { $version } unterzeichnet)
cite-this = Diese Liste zitieren:
citation = { $coalition }, „{ $title }“, offener Brief an { $recipient }, unterzeichnet von { $organisations } aus { $countries } (Listenversion { $version }, { $date }), { $url }

## A country's page

country-heading = Unterzeichnende aus { $country }
country-count = ({ $count } von { $total })
country-as-data = Die Liste dieses Landes als Daten:
from-the-start = Von Anfang an
next-page = Die nächsten { $count }

## After signing

check-email-title = Sehen Sie in Ihre E-Mails
check-email = Vielen Dank. Wir haben an die angegebene Adresse eine E-Mail zu Ihrer Unterschrift unter „{ $title }“ geschickt: Öffnen Sie sie, um zu bestätigen, oder um zu lesen, was geschehen ist, falls diese Adresse oder Ihre Organisation schon unterzeichnet hat.
back-to-letter = Zurück zum Brief

## The pages behind the links in mails

action-letter = Brief:
action-organisation = Organisation:
confirm-heading = Bestätigen Sie Ihre Unterschrift
confirm-explain = Drücken Sie die Schaltfläche, um zu bestätigen, dass Ihre Organisation diesen Brief unterzeichnet.
confirm-button = Unterschrift bestätigen
confirm-published = Diese Unterschrift ist bestätigt und veröffentlicht.
confirm-waiting = Diese Unterschrift ist bestätigt und wartet auf die Koordinierenden des Briefs.
confirm-ended = Diese Unterschrift wurde zurückgezogen oder nicht angenommen.
confirmed-heading = Unterschrift bestätigt
confirmed-listed = Vielen Dank: Die Unterschrift ist bestätigt, und Ihre Organisation steht jetzt auf der Liste.
confirmed-held = Vielen Dank: Die Unterschrift ist bestätigt. Der Brief hat schon eine Unterschrift für Ihre Organisation von einer anderen Adresse; die Koordinierenden des Briefs sehen beide und entscheiden, welche gilt.
confirmed-review = Vielen Dank: Die Unterschrift ist bestätigt. Die Koordinierenden des Briefs prüfen sie, bevor sie auf die Liste kommt.
withdraw-heading = Unterschrift zurückziehen
withdraw-explain = Drücken Sie die Schaltfläche, um die Unterschrift Ihrer Organisation zurückzuziehen. Sie steht dann nicht mehr auf der Liste.
withdraw-button = Unterschrift zurückziehen
withdraw-ended = Diese Unterschrift ist nicht mehr aktiv.
withdrawn-heading = Unterschrift zurückgezogen
withdrawn = Die Unterschrift ist zurückgezogen und steht nicht mehr auf der Liste.
link-expired = Dieser Bestätigungslink ist abgelaufen; bitte unterzeichnen Sie erneut.

## Unsubscribing from a letter's updates

unsubscribe-heading = Keine Neuigkeiten mehr zu diesem Brief
unsubscribe-explain = Die Koordinierenden des Briefs schicken den Unterzeichnenden gelegentlich Neuigkeiten (zum Beispiel, wenn die Empfängerin oder der Empfänger antwortet). Drücken Sie die Schaltfläche, um keine mehr zu erhalten. Die Unterschrift Ihrer Organisation bleibt bestehen.
unsubscribe-button = Abbestellen
unsubscribe-done = Sie haben abbestellt: Sie erhalten keine Neuigkeiten mehr zu diesem Brief.
unsubscribed-heading = Sie haben abbestellt
unsubscribed-already = Sie hatten bereits abbestellt: Sie erhalten keine Neuigkeiten zu diesem Brief.
unsubscribed = Sie erhalten keine Neuigkeiten mehr zu diesem Brief. Die Unterschrift Ihrer Organisation bleibt bestehen; um sie zurückzuziehen, nutzen Sie den Link in einer der E-Mails zu diesem Brief.

## The page behind an invitation's link

invitation-title = Einladung: { $title }
invitation-invites = { $coalition } lädt { $organisation } ({ $country }) ein, diesen Brief zu unterzeichnen.
invitation-sign-heading = Im Namen von { $organisation } unterzeichnen
invitation-keep-withdraw = Um die Unterschrift später zurückzuziehen, bewahren Sie diesen Link auf:
invitation-withdraw-link = Unterschrift zurückziehen
invitation-correct = Bitte korrigieren Sie die unten markierten Felder.
invitation-organisation = Organisation
invitation-personal = Dieser Link gilt nur für { $organisation }: Wer über ihn unterzeichnet, braucht keine Bestätigungs-E-Mail, und die Organisation wird als durch Einladung verifiziert aufgeführt.
invitation-consent = Ich bin einverstanden, dass mein Name und meine Funktion zusammen mit der Adresse, an die diese Einladung ging, gespeichert werden, um diese Unterschrift zu verwalten. Veröffentlicht werden nur Name, Land und Website der Organisation.
invitation-public-page = Die öffentliche Seite des Briefs
invitation-signed-listed = { $organisation } hat diesen Brief unterzeichnet und steht auf der Liste der Unterzeichnenden.
invitation-signed-waiting = { $organisation } hat diesen Brief unterzeichnet. Die Koordination des Briefs prüft die Unterschrift, bevor sie veröffentlicht wird.
invitation-deadline-passed = Die Frist zur Unterzeichnung dieses Briefs ist abgelaufen.
invitation-thanks-listed = Danke: { $organisation } hat unterzeichnet und steht nun auf der Liste der Unterzeichnenden.
invitation-thanks-review = Danke: { $organisation } hat unterzeichnet. Die Koordination des Briefs prüft die Unterschrift, bevor sie veröffentlicht wird.
invitation-signed-before = Ihre Organisation hatte diesen Brief bereits unterzeichnet; nichts wurde geändert.

## Why a field was refused (after the field's name; the API answers with the English text)

problem-required = ist erforderlich
problem-blank = darf nicht leer sein
problem-empty = darf nicht leer sein
problem-too-long = darf höchstens { $max } Zeichen lang sein
problem-not-one-line = muss eine Zeile sein, ohne Zeilenumbrüche oder Steuerzeichen
problem-invisible = darf keine unsichtbaren Zeichen oder Schreibrichtungszeichen enthalten ({ $code_point })
problem-not-a-web-address = muss eine Webadresse sein
problem-not-http = muss eine http- oder https-Adresse sein
problem-no-host = muss einen Host nennen, etwa example.org
problem-has-credentials = darf weder Benutzernamen noch Passwort enthalten
problem-not-an-email-address = muss eine E-Mail-Adresse sein, etwa name@example.org
problem-undeliverable = kann keine E-Mails empfangen: „{ $domain }“ ist keine Domain im Internet (eine Adresse sieht aus wie name@example.org)
problem-not-a-language-tag = muss ein Sprachcode wie en, fr oder pt-BR sein
problem-no-consent = Sie müssen den Datenschutzhinweis akzeptieren, um zu unterzeichnen

## A draft's secret preview link (/preview/{token})
preview-notice = Vorschau eines Entwurfs, mit Ihnen geteilt, bevor er zur Unterzeichnung geöffnet wird. Bitte geben Sie diesen Link nicht weiter: Der Text kann sich noch ändern.
preview-opens = Der Brief wird am { $time } zur Unterzeichnung geöffnet.
