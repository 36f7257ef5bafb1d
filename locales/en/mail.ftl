# Mails to signers. Same rules as signer.ftl: every message in every language.

mail-hello = Hello { $name },
read-letter = Read the letter:
ignore-if-not-you = If you did not ask, you can ignore this mail.
time-utc = { $date }, { $time } UTC

## The confirmation mail

confirm-subject = Please confirm your signature: { $title }
confirm-asked = You asked to sign the open letter “{ $title }” on behalf of { $organisation }.
confirm-held = Please note: this letter already has a signature for { $organisation }, made from another address. Yours will not be listed by itself. Once you confirm, the coalition that wrote the letter sees both signatures and decides which one stands; the other signer is told that a second signature was made from an address at your domain (never the address itself).
confirm-open = To confirm the signature, open this link and press the button on the page:
confirm-or-open = Or open this link and press the button on the page:
confirm-until = The link works until { $until }. If you did not ask for this, ignore this mail: nothing will be published.
withdraw-any-time = To withdraw the signature at any time, open:

## "You signed already"

already-subject = You signed already: { $title }
already-asked = Someone asked, with this address, to sign the open letter “{ $title }”. This address has signed it already, on behalf of { $organisation }: { $standing }. An address signs a letter once, so nothing else was signed.
already-nothing = If that is what you meant, there is nothing to do. To take your signature back, withdraw it:
already-pending = To confirm it, open the link in the confirmation mail we sent you earlier.
standing-listed = it is on the list since { $date }
standing-pending = it awaits your confirmation
standing-review = it is confirmed and awaits the coalition's review
