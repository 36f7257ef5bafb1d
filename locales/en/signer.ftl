# The signer's path: the letter page, the sign form, the pages behind the links in mails.
# Every message here exists in every language (src/i18n.rs checks it), with the same
# placeholders. Keep them short and plain: signers read them in a hurry, on phones.

language-name = English
switch-language = Language:

## Dates

date = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Counts

count-organisations =
    { $count ->
        [one] { $count } organisation
       *[other] { $count } organisations
    }
count-countries =
    { $count ->
        [one] { $count } country
       *[other] { $count } countries
    }
count-changes =
    { $count ->
        [one] { $count } change
       *[other] { $count } changes
    }

## The letter page

letter-to = To: { $recipient }
letter-from = From: { $coalition } and the undersigned organisations
signed-so-far = { $organisations } from { $countries } signed so far.
signed-in-all = { $organisations } from { $countries } signed.
no-one-signed-yet = No organisation has signed yet.
sign-this-letter = Sign this letter
campaign-part = Part of the campaign:
delivered = Delivered to { $recipient } on { $date } with { $organisations } from { $countries }; the list below is the list delivered.
printable-copy = Printable copy
version-note = This is version { $version } of the text; an organisation that signed an earlier version is marked with it.
earlier-versions = Earlier versions
not-translated = This letter has no English translation yet: here is its original text.
read-in = Read the letter in:

## The sign form

sign-heading = Sign this letter on behalf of your organisation
errors-title =
    { $count ->
        [one] Nothing was signed yet: please correct this field
       *[other] Nothing was signed yet: please correct these fields
    }
error-item = { $field }: { $message }
field-organisation = Organisation name
field-country = Country
choose-country = Choose a country
country-hint = (type the country's name to find it)
field-website = Website
optional = (optional)
field-name = Your name
field-role = Your role in the organisation
field-email = Your email
email-hint = (to confirm; never published)
field-comment = Comment
comment-hint = (optional, seen by the coordinators only)
field-consent = Consent
consent-text = I agree that my name, role and email are kept to manage this signature. Only the organisation's name, country and website are published.
honeypot = Leave this field empty
sign-button = Sign the letter
closed = This letter is closed and no longer accepts signatures.
closed-delivered = This letter was delivered and no longer accepts signatures.

## The list

signatories-heading = Signatories
signatories-count = ({ $organisations }, { $countries })
no-one-listed = No organisation is listed yet.
chart-alt = Bar chart of the signatories by country; the numbers are in the table below it
chart-table = The chart as a table
# The chart (chart.svg): its title and the countries past its bars.
chart-title = Signatories by country ({ $total } in all)
chart-others =
    { $others ->
        [one] and { $others } other country: { $sum }
       *[other] and { $others } other countries: { $sum }
    }
table-country = Country
table-organisations = Organisations
list-as-data = The list as data:
changes-feed = changes (Atom)
licence-list = The list is published under
licence-text = the letter's text under
licence-text-reserved = the letter's text: all rights reserved by { $coalition }.
licence-not-software = These are the licences of this letter and its list, not of the software that publishes them.
data-dictionary = What each column means (Data Package)
badges-explained = “verified: example.org” means that someone who signed for the organisation confirmed an email address at the organisation's own website domain, the one named; “invited”, that the organisation signed through a personal invitation the coalition sent it. Other organisations are listed as they signed.
record = Every change to this list is kept in a signed public record ({ $changes } so far), so anyone can check that names were only added or withdrawn as recorded.
record-link = See the record
first-listed = The first { $listed } signatories are listed below; the files above have all { $total }, and each country has a page of its own:
all-from-country = All { $count } from { $country }
badge-verified = verified: { $domain }
badge-verified-title = Someone who signed for this organisation confirmed an email address at this domain, its website's.
badge-invited = invited
badge-invited-title = Signed through a personal invitation the letter's coalition sent to this organisation.
badge-imported = listed by the coalition
badge-imported-title = Added by the letter's coalition from a list of signatories it collected.
signed-version = (signed version { $version })
cite-this = Cite this list:
citation = { $coalition }, “{ $title }”, open letter to { $recipient }, signed by { $organisations } from { $countries } (list version { $version }, { $date }), { $url }

## A country's page

country-heading = Signatories from { $country }
country-count = ({ $count } of { $total })
country-as-data = This country's list as data:
from-the-start = From the start
next-page = Next { $count }

## After signing

check-email-title = Check your email
check-email = Thank you. We have sent an email to the address you gave about your signature of “{ $title }”: open it to confirm, or to read what happened if this address or your organisation signed already.
back-to-letter = Back to the letter

## The pages behind the links in mails

action-letter = Letter:
action-organisation = Organisation:
confirm-heading = Confirm your signature
confirm-explain = Press the button to confirm that your organisation signs this letter.
confirm-button = Confirm the signature
confirm-published = This signature is confirmed and published.
confirm-waiting = This signature is confirmed and waits for the letter's coordinators.
confirm-ended = This signature was withdrawn or not accepted.
confirmed-heading = Signature confirmed
confirmed-listed = Thank you: the signature is confirmed and your organisation is now listed.
confirmed-held = Thank you: the signature is confirmed. The letter already has a signature for your organisation from another address; the letter's coordinators will see both and decide which one stands.
confirmed-review = Thank you: the signature is confirmed. The letter's coordinators will review it before it is listed.
withdraw-heading = Withdraw your signature
withdraw-explain = Press the button to withdraw your organisation's signature. It will no longer be listed.
withdraw-button = Withdraw the signature
withdraw-ended = This signature is no longer active.
withdrawn-heading = Signature withdrawn
withdrawn = The signature is withdrawn and no longer listed.
link-expired = This confirmation link has expired; please sign again.

## Unsubscribing from a letter's updates

unsubscribe-heading = Stop updates about this letter
unsubscribe-explain = The letter's coordinators send occasional updates to its signers (for example, when the recipient answers). Press the button to get no more of them. Your organisation's signature stays as it is.
unsubscribe-button = Unsubscribe
unsubscribe-done = You are unsubscribed: you get no more updates about this letter.
unsubscribed-heading = You are unsubscribed
unsubscribed-already = You had unsubscribed already: you get no updates about this letter.
unsubscribed = You get no more updates about this letter. Your organisation's signature stays as it is; to withdraw it, use the link in any of the letter's mails.

## The page behind an invitation's link

invitation-title = Invitation: { $title }
invitation-invites = { $coalition } invites { $organisation } ({ $country }) to sign this letter.
invitation-sign-heading = Sign on behalf of { $organisation }
invitation-keep-withdraw = To withdraw the signature later, keep this link:
invitation-withdraw-link = withdraw the signature
invitation-correct = Please correct the fields marked below.
invitation-organisation = Organisation
invitation-personal = This link is personal to { $organisation }: signing through it needs no confirmation mail, and the organisation is listed as verified by invitation.
invitation-consent = I agree that my name and role are kept, with the address this invitation was sent to, to manage this signature. Only the organisation's name, country and website are published.
invitation-public-page = The letter's public page
invitation-signed-listed = { $organisation } has signed this letter and is listed among its signatories.
invitation-signed-waiting = { $organisation } has signed this letter. The letter's coordinators will review the signature before it is listed.
invitation-deadline-passed = The signing deadline of this letter has passed.
invitation-thanks-listed = Thank you: { $organisation } has signed and is now listed among the signatories.
invitation-thanks-review = Thank you: { $organisation } has signed. The letter's coordinators will review the signature before it is listed.
invitation-signed-before = Your organisation had already signed this letter; nothing changed.

## Why a field was refused (after the field's name; the API answers with the English text)

problem-required = is required
problem-blank = must not be blank
problem-empty = must not be empty
problem-too-long = must be at most { $max } characters
problem-not-one-line = must be one line, without line breaks or control characters
problem-invisible = must not contain invisible or text-direction characters ({ $code_point })
problem-not-a-web-address = must be a web address
problem-not-http = must be an http or https address
problem-no-host = must name a host such as example.org
problem-has-credentials = must not contain a user name or password
problem-not-an-email-address = must be an email address, such as name@example.org
problem-undeliverable = cannot receive mail: "{ $domain }" is not a domain on the Internet (an address looks like name@example.org)
problem-not-a-language-tag = must be a language tag such as en, fr or pt-BR
problem-no-consent = you must accept the privacy notice to sign

## A draft's secret preview link (/preview/{token})
preview-notice = Preview of a draft, shared with you before it opens for signatures. Please do not pass this link on: the text may still change.
preview-opens = The letter opens for signatures on { $time }.
