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

## To a colleague: "your organisation signed already" (naming no one)

mail-hello-all = Hello,
listed-subject = { $organisation } signed already: { $title }
listed-asked = Someone asked, with this address, to sign the open letter “{ $title }” on behalf of { $organisation }. { $organisation } has signed it already: { $standing }. An organisation signs a letter once, so nothing else was signed.
listed-since = it is on the list since { $date }
listed-waiting = a colleague's signature awaits confirmation or the coalition's review
listed-ask = If you want to know who signed, ask your colleagues. If you think { $organisation } should not be on the list, write to the coalition that wrote the letter, { $coalition }.

## To a signer: another signature for their organisation, held

contested-subject = Another signature for { $organisation }: { $title }
contested-signed = You signed the open letter “{ $title }” on behalf of { $organisation }.
contested-other = Someone has now signed it on behalf of { $organisation } too, from an address at { $domain }, and confirmed that address. An organisation signs a letter once, so that signature is held: it is not listed. The coalition that wrote the letter sees both signatures and decides which one stands.
contested-still-listed = Until then, yours stays on the list.
contested-mistake = If the other signer is a colleague, there is nothing to do. If { $organisation } did not sign this letter, and you signed in its name by mistake, withdraw your signature:

## An update from the coordinators

update-subject = { $subject } (update on “{ $title }”)
update-intro = The coordinators of the open letter “{ $title }”, which { $organisation } signed, send this update:
update-letter = The letter:
update-read = Read the letter and its signatories
update-why = You get this mail because you signed the letter for { $organisation }.
update-stop = To get no more updates about this letter, open:
update-stop-link = Get no more updates about this letter
update-withdraw = To withdraw your organisation's signature, open:
update-withdraw-link = Withdraw the signature

## The invitation to sign (in the letter's language)

invite-subject = { $organisation } is invited to sign “{ $title }”
invite-subject-reminder = Reminder: { $organisation } is invited to sign “{ $title }”
invite-title = Invitation to sign
invite-reminder = A reminder:
invite-invites = { $coalition } invites { $organisation } ({ $country }) to sign the open letter “{ $title }”, addressed to { $recipient }.
invite-personal = This link is personal to { $organisation }: open it to read the letter and sign it in one step, with no confirmation mail:
invite-button = Read and sign the letter
invite-or-open = Or open this link:
invite-until = The letter can be signed until { $deadline }.
invite-published = Only the organisation's name, country and website are published, marked as verified by invitation; the name and role of the person who signs are seen by the coordinators only.
invite-ignore = If { $organisation } does not want to sign, ignore this mail.
