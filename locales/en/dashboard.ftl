# The coordinators' pages: the dashboard, one's account, signing in and the first-run setup.
# English only for now (ENGLISH_ONLY in src/i18n.rs): another language that lacks one of these
# messages shows it in English. Every id starts with "dash-"; a section per page, the notices
# its handlers write after a form last. Where a sentence is cut by a link or a code element,
# its parts are messages of their own, in the sentence's order.

## Shared by several pages

dash-title-suffix = dashboard
# At the top of a form that came back with messages; each message links to its field.
dash-errors-title =
    { $count ->
        [one] Please correct this field
       *[other] Please correct these fields
    }
dash-save = Save
dash-saved = Saved.
dash-remove = Remove
dash-preview = Preview
dash-page = Page { $page }
dash-page-of = Page { $page } of { $pages }
dash-previous = previous
dash-next = next
# A time in the dashboard's tables: 2026-12-04 09:30 UTC
dash-utc = { $time } UTC
dash-any = any
dash-public-page = public page
dash-printable-copy = printable copy
dash-field-title = Title
dash-field-text = Text (Markdown)
dash-field-description = Description (Markdown, optional)
dash-field-short-name = Short name in the address (optional)
dash-field-goal-organisations = Goal: organisations (optional)
dash-field-goal-countries = Goal: countries (optional)
dash-field-goal-date = Goal: by date (optional)
dash-col-letter = Letter
dash-col-organisation = Organisation
dash-col-country = Country
dash-col-email = Email
dash-col-role = Role
dash-col-name = Name
dash-col-state = State
dash-col-published = Published
dash-col-network = Network
dash-col-signed = Signed
dash-col-contact = Contact
dash-col-verification = Verification
dash-col-coalition = Coalition
# Column headings read by screen readers only: the buttons of a row, the checkbox of a row.
dash-col-actions = Actions
dash-audit-heading = Audit log
dash-versions-title = Versions and translations

## The navigation on every page (dashboard/nav.html)

# The name of the navigation on every page, for screen readers.
dash-nav-label = Dashboard menu
dash-nav-signed-in-as = Signed in as { $name }
dash-nav-dashboard = Dashboard
dash-nav-campaigns = Campaigns
dash-nav-directory = Directory
dash-nav-outbox = Outbox
dash-nav-account = Account
dash-nav-sign-out = Sign out

## Signing in (login.html)

dash-login-title = Sign in
dash-login-intro = For coordinators of coalitions. Signing a letter needs no account.
dash-login-email = Email
dash-login-password = Password
dash-login-button = Sign in
dash-login-wrong = The email or the password is not right.

## The first-run setup (setup.html)

dash-setup-title = Set up undersigned
dash-setup-intro = Create the first account, which will own your coalition. You can add other coordinators afterwards.
dash-setup-name = Your name
dash-setup-email = Your email
dash-setup-password = Password (at least 12 characters)
dash-setup-coalition-name = Your coalition's name
dash-setup-coalition-slug = Its short name in addresses (optional)
dash-setup-button = Create the account

## The coordinator's coalitions and their letters (dashboard/home.html)

dash-home-title = Dashboard
dash-home-no-coalition = You are not a member of any coalition yet. An owner of a coalition can add you.
dash-home-new-letter = New letter
dash-home-coordinators = Coordinators
dash-home-no-letters = No letters yet.
# The first run: what to do, in three steps, on a coalition without letters.
dash-home-steps-heading = From an idea to signatures in three steps
dash-home-step-write = 1. Write the letter.
dash-home-step-write-explain = Its text, to whom it goes, and the place and date line. You can preview it and change it until it opens.
dash-home-write = Write a letter
dash-home-step-invite = 2. Invite organisations.
dash-home-step-invite-explain = On the letter's Invitations page, choose organisations from the directory by name, or add new ones there; each gets a personal link to sign. To prepare, add your member organisations to the directory:
dash-home-step-invite-members = your member organisations
dash-home-step-invite-add = add one
dash-home-step-invite-import = import a list
dash-home-step-open = 3. Open it for signatures.
dash-home-step-open-explain = On the letter's page, “Move to open” freezes its text and puts its public page and sign form online; invitations are mailed once it is open.
dash-home-next = Next:
dash-home-next-invite = invite organisations
dash-home-next-open = open it for signatures
dash-home-col-pending = Pending
dash-home-col-awaiting = Awaiting moderation
dash-home-col-countries = Countries

## A letter (dashboard/letter.html)

# The name of the links to a letter's other pages, for screen readers.
dash-letter-nav-label = This letter's pages
dash-letter-crumb = letter
# A surge: "Surge: 8 of the 10 signatures made since 09:30 UTC came from addresses at
# example.org." (or "from one network (‹code›).")
dash-letter-surge = Surge: { $count } of the { $of } signatures made since { $time } UTC came from
dash-letter-surge-domain = addresses at { $domain }
dash-letter-surge-network = one network
dash-letter-surge-review = Review and reject…
dash-letter-state = State:
dash-letter-version = version { $version }
dash-letter-moderation = moderation { $moderation }
dash-letter-deadline = deadline { $time } UTC
dash-letter-campaign = Campaign:
# $how: "email" or "hand".
dash-letter-delivered = Delivered { $time } UTC { $how ->
        [email] by email
       *[hand] by hand
    }, with { $signatories } signatories from { $countries } countries; the list is frozen.
dash-letter-signatures = Signatures:
dash-letter-pending = { $count } pending
dash-letter-awaiting = { $count } awaiting moderation
dash-letter-published = { $count } published from { $countries } { $countries ->
        [one] country
       *[other] countries
    }
dash-letter-move-to = Move to { $state }
dash-letter-reopen = Reopen for signatures
dash-letter-moved-notice = Done: the letter is { $state } now.
dash-letter-edit = Edit
dash-letter-deliver-heading = Deliver the letter
dash-letter-deliver-by-email = Mail it with its list to { $recipient } ({ $address })
# Before a link to the printable copy.
dash-letter-deliver-by-hand = The letter has no recipient address, so it is delivered by hand: print the
dash-letter-deliver-note = Note for the timeline (optional: how, where, to whom)
dash-letter-deliver-explain = Delivering freezes the list: no signature joins, leaves or changes name on it afterwards.
dash-letter-deliver = Deliver…
dash-letter-delivered-notice = Delivered: the list is frozen, and the delivery is on the timeline.
dash-letter-nav-signatures = Signatures
dash-letter-nav-queue = Moderation queue
dash-letter-nav-updates = Updates to signers
dash-letter-nav-import = Import signatories
# Before the links to the JSON and CSV downloads.
dash-letter-nav-download = Download everything (personal data, logged):
dash-letter-to = To: { $recipient }

## Drafting and editing a letter (dashboard/letter_form.html)

dash-letter-form-new = New letter
dash-letter-form-new-of = New letter of { $coalition }
dash-letter-form-edit = Edit: { $title }
# Before a link to the versions page: "… publish a ‹new version›."
dash-letter-form-frozen = This letter is { $state }: its text is frozen. To change the text, publish a
dash-letter-form-new-version = new version
dash-letter-form-language = Language (e.g. en, fr, pt-BR)
dash-letter-form-recipient = Recipient
dash-letter-form-recipient-email = Recipient's email, for delivery (optional, private)
dash-letter-form-place-and-date = Place and date line (optional)
dash-letter-form-deadline = Signing deadline, UTC (optional)
dash-letter-form-moderation = Moderation
dash-letter-form-visibility = Visibility
dash-letter-form-campaign = Campaign (optional)
dash-letter-form-no-campaign = None
dash-letter-form-text-licence = Licence of the letter's text (the list of signatories is published under this instance's licence)
dash-letter-form-no-licence = None: all rights reserved by the coalition

## A letter's signatures and the moderation queue (dashboard/signatures.html)

dash-signatures-title = Signatures
dash-signatures-crumb = signatures
dash-signatures-find = Find and reject by email domain, network or time…
dash-signatures-q = Name contains
dash-signatures-filter = Filter
dash-signatures-col-representative = Representative
dash-signatures-col-version = Version
dash-signatures-col-privacy = Privacy
dash-signatures-select = Select { $organisation }
dash-signatures-invited = invited
dash-signatures-held = held: contests another signature for this organisation, from an address at { $domain }; approving it replaces that one
dash-signatures-erased = erased
dash-signatures-erase = Erase personal data…
dash-signatures-approve = Approve selected
dash-signatures-reason = Reason (required; kept in the audit log, shown to coordinators only)
dash-signatures-reject-legend = Reject
dash-signatures-reject = Reject selected…
dash-signatures-col-comment = Comment
dash-signatures-col-select = Select
dash-signatures-select-all = Select all { $count } awaiting moderation that match the filter (on every page)
dash-signatures-select-all-country = Select all { $count } awaiting moderation from { $country } (on every page)
dash-signatures-approved = Approved { $done } of { $selected } selected.
dash-signatures-rejected = Rejected { $done } of { $selected } selected.

## Finding and rejecting signatures in bulk (dashboard/find.html)

dash-find-title = Find and reject
dash-find-crumb = find and reject
dash-find-heading = Find and reject signatures
dash-find-intro = Find the letter's pending, confirmed and published signatures by the signers' email domain, by network (the code in the signature list: the same for requests from one network, never an address) or by when they were signed. Nothing changes until you reject what the preview shows.
dash-find-email-domain = Email domain (e.g. example.org)
dash-find-network = Network (16 hex digits)
dash-find-since = Signed from (UTC, e.g. 2026-11-29T05:00:00Z)
dash-find-until = Signed before (UTC)
dash-find-any-state = pending, confirmed or published
# The English keeps "signature(s)" whatever the count, as it did before these messages.
dash-find-matches = { $count } signature(s) match
dash-find-reason = Reason for rejecting (coordinators only)
dash-find-reject = Reject these { $count } signature(s)
dash-find-reject-explain = Published ones leave the public list, with a “removed” entry in its ledger. If the count has changed by then, nothing is rejected and you see the new preview.
dash-find-rejected = Rejected { $count } signature(s).

## Erasing a signer's personal data (dashboard/erase.html)

dash-erase-title = Erase personal data
dash-erase-organisation = Organisation:
dash-erase-signature-state = signature { $state }
dash-erase-done = This signature's personal data was erased on { $time } UTC.
dash-erase-representative = Representative: { $name }, { $role } · { $email }
dash-erase-explain =
    Erasing removes the representative's name and role, the email address and the comment, for good, and no further mail goes to them.
    The organisation stays listed as a signatory: the public list, its counts and its ledger do not change. The erasure is recorded in the audit log.
dash-erase-reason = Reason (kept in the audit log; optional)

## A letter's invitations (dashboard/invitations.html)

dash-invitations-title = Invitations: { $title }
dash-invitations-heading = Invitations
dash-invitations-letter = Letter:
# The counts: "3 invited · 2 opened · 1 signed"
dash-invitations-invited = invited
dash-invitations-opened = opened
dash-invitations-signed = signed
dash-invitations-none = No organisation is invited yet.
dash-invitations-col-sent = Sent
dash-invitations-col-reminders = Reminders
dash-invitations-remind = Send reminders
dash-invitations-remind-explain = To every invited organisation that has not signed: at most one reminder a day each, and three in all.
dash-invitations-invite-heading = Invite organisations
dash-invitations-nothing-sent = Nothing was sent. Please correct:
dash-invitations-lines = One organisation per line: its name (or its short name in the directory), then the address to invite
dash-invitations-paste-heading = Paste a list instead
dash-invitations-search-heading = Choose from the directory
dash-invitations-search-label = Organisation name
dash-invitations-search-hint = Any part of the name; capitals and punctuation do not matter. Search with the field empty to list your coalition's member organisations.
dash-invitations-search = Search
dash-invitations-no-members = Your coalition has no member organisations yet: search the directory by name, or add an organisation below.
dash-invitations-found-none = No organisation in the directory has a name with “{ $q }”. Add it below.
dash-invitations-found =
    { $count ->
        [one] One organisation found. Tick it and check its address.
       *[other] { $count } organisations found. Tick those to invite and check their addresses.
    }
dash-invitations-found-some = The first { $shown } of { $total } organisations found: search with more of the name to narrow. Tick those to invite and check their addresses.
dash-invitations-col-choose = Invite
dash-invitations-col-address = Address to invite
dash-invitations-address-of = Address to invite { $name } at
dash-invitations-invited-already = invited already
dash-invitations-send-chosen = Invite the ticked organisations
dash-invitations-new-heading = Add an organisation that is not in the directory
dash-invitations-new-explain = It is added to the directory and to your coalition's members, and invited, in one step.
dash-invitations-new-name = Organisation name
dash-invitations-new-choose-country = Choose a country
dash-invitations-new-email = Address to invite
dash-invitations-new-button = Add and invite
dash-invitations-added = The organisation was added to the directory and invited.
dash-invitations-again = An organisation invited before gets its invitation again, at the address given now, unless it has signed.
dash-invitations-send = Send the invitations
dash-invitations-not-open = Invitations can be sent while the letter is open, or added to a draft with an opening time (they are mailed when it opens); this one is { $state }.
dash-invitations-done = Invited { $invited }, invited again { $resent }, already signed { $already }.
dash-invitations-reminded = Reminders sent: { $reminded }. Not reminded: { $signed } signed, { $too_soon } reminded in the last 24 hours, { $at_cap } reminded { $max } times already.
# The messages about the lines of the invitation form: "Line 3: the organisation is named
# already in line 1." ({ $text } is the check's own message, in English).
dash-invitations-line-error = Line { $line }: the { $field } { $text }.
dash-invitations-field-organisation = organisation
dash-invitations-field-email = email address
dash-invitations-line = line { $line }
dash-invitations-list-error = The list { $text }.

## Updates to a letter's signers (dashboard/updates.html)

dash-updates-title = Updates: { $title }
dash-updates-crumb = updates
dash-updates-explain = An update goes by mail to every confirmed signer of the letter who has not unsubscribed, with a link to unsubscribe.
# The English keeps "update(s)" and "signer(s)" whatever the count, as it did before these
# messages.
dash-updates-limit = At most { $count } update(s) per letter in 24 hours.
dash-updates-no-limit = At most any number of update(s) per letter in 24 hours.
dash-updates-send-heading = Send an update
dash-updates-subject = Subject
dash-updates-body = The update (Markdown)
dash-updates-send = Send the update
dash-updates-sent = Sent
dash-updates-none = No update has been sent yet.
dash-updates-recipients = to { $count } signer(s)
dash-updates-on-its-way = The update is on its way to { $count } signer(s).

## A letter's versions and translations (dashboard/versions.html)

dash-versions-crumb = versions and translations
dash-versions-heading = Versions of the text
dash-versions-none = Versions start when the letter opens; until then, edit the draft.
dash-versions-col-version = Version
dash-versions-col-published = Published (UTC)
dash-versions-col-note = Note
dash-versions-col-hash = Hash
dash-versions-current = (current)
dash-versions-publish-heading = Publish a new version
dash-versions-publish-explain = Signatures already made stay marked with the version their signers saw.
dash-versions-note = What changed
dash-versions-publish = Publish version { $version }
dash-versions-published = The new version is published.
dash-versions-translations = Translations
# "Hash ‹1a2b3c4d5e6f›, updated 2026-12-04 09:30 UTC"
dash-versions-hash = Hash
dash-versions-updated = updated { $time } UTC
dash-versions-translate-heading = Add or replace a translation
dash-versions-language = Language (e.g. fr, de, pt-BR)
dash-versions-translate = Save the translation
dash-versions-saved = The translation is saved.

## The campaigns (dashboard/campaigns.html)

dash-campaigns-title = Campaigns
dash-campaigns-none = No campaign yet.
dash-campaigns-col-campaign = Campaign
dash-campaigns-col-goal = Goal
# In the goal column, after "{ $count } organisations" when there is one.
dash-campaigns-goal-countries = from { $count } countries
dash-campaigns-new = New campaign
dash-campaigns-create = Create the campaign

## A campaign (dashboard/campaign.html)

# Its progress, with the goal when it has one. The English says "organisations" and
# "countries" whatever the count, as it did before these messages.
dash-campaign-organisations = { $count } organisations
dash-campaign-organisations-of = { $count } of { $goal } organisations
dash-campaign-countries = { $count } countries
dash-campaign-countries-of = { $count } of { $goal } countries
dash-campaign-by = by { $date }
dash-campaign-goal-reached = goal reached
dash-campaign-public-when = (shown once one of its public letters is open)
dash-campaign-letters = Letters
# One sentence around the campaign's short name, in code:
# "No letter yet. To add one, give this campaign's short name, ‹slug›, as the campaign…"
dash-campaign-no-letter = No letter yet. To add one, choose this campaign in the Campaign field of a letter's Edit form.
dash-campaign-letter-counts = ({ $state }; { $published } published, { $countries } countries)
dash-campaign-timeline = Timeline
dash-campaign-no-event = Nothing yet. The service records when a letter opens and when it is delivered.
dash-campaign-post-heading = Post on the timeline
dash-campaign-kind = Kind
dash-campaign-event-text = Text (Markdown, optional)
dash-campaign-event-date = Date (optional; default today)
dash-campaign-event-letter = About the letter (optional)
dash-campaign-event-no-letter = (the campaign)
dash-campaign-post = Post
dash-campaign-goal-heading = Goal and description
dash-campaign-posted = Posted on the timeline.
dash-campaign-removed = Removed from the timeline.

## The organisation directory (dashboard/directory.html)

dash-directory-title = Directory
dash-directory-heading = Organisation directory
dash-directory-new = Add an organisation
dash-directory-import = Import a list
dash-directory-q = Name contains the words
dash-directory-search = Search
dash-directory-none = No organisation matches.
dash-directory-col-website = Website
dash-directory-unverified = unverified
# How it is verified: domain, coordinator, invitation.
dash-directory-verified = verified: { $how }
dash-directory-created = The organisation is in the directory.
dash-directory-merged = Merged: the duplicate's signatures and coalition links are now this organisation's, and the duplicate is gone.
dash-directory-linked = Linked.
dash-directory-unlinked = Unlinked: the organisation stays in the directory.

## An organisation: adding one, editing it, merging a duplicate (dashboard/directory_new.html,
## directory_organisation.html, directory_fields.html)

dash-organisation-new-crumb = new organisation
dash-organisation-add = Add to the directory
dash-organisation-country = Country
dash-organisation-website = Website (optional)
dash-organisation-email-domain = Email domain (optional; the website's when blank)
dash-organisation-description = Description (optional)
dash-organisation-title-suffix = directory
dash-organisation-crumb = organisation
dash-organisation-verification = verification:
dash-organisation-slug = slug
dash-organisation-edit = Edit
dash-organisation-merge-heading = Merge a duplicate
dash-organisation-merge-intro = If { $name } is in the directory twice, merge this entry into the one to keep.
dash-organisation-merge-into = Merge this organisation into (the name of the organisation to keep)
dash-organisation-merge-warning = Merging moves every signature and coalition link of “{ $name }” ({ $country }) to the organisation you name, then deletes “{ $name }” from the directory. Where both signed the same letter, the signature further along stays and the other is withdrawn, so no letter lists one organisation twice. Public lists and their ledgers record the change. It cannot be undone.
dash-organisation-merge-button = Merge “{ $name }” into it
dash-organisation-email-domain-row = Email domain
dash-organisation-description-row = Description

## A coalition's member organisations (dashboard/directory_members.html)

dash-members-title = Member organisations
dash-members-crumb-directory = directory
dash-members-crumb = member organisations
dash-members-of = Member organisations of { $coalition }
dash-members-none = No member organisations yet.
dash-members-col-linked = Linked (UTC)
dash-members-unlink = Unlink
dash-members-link-heading = Link an organisation
dash-members-organisation = The organisation's name in the directory
dash-members-link = Link

## The territories the operator added (dashboard/directory_country.html)

dash-territories-title = Territories
dash-territories-crumb = countries
dash-territories-intro =
    Every ISO 3166-1 country is built in. Territories that ISO lacks, such as XK Kosovo, are added
    and removed by the operator of this service, because every coalition's country lists share them:
    ask the operator for one.
dash-territories-added = Territories added
dash-territories-none = None yet.
dash-territories-col-code = Code
dash-territories-col-alpha3 = Alpha-3

## Importing a list of organisations (dashboard/imports.html)

dash-import-title = Import a list of organisations
dash-import-crumb = import
dash-import-nothing-saved = Nothing was saved. Please correct the fields marked below.
# One label around three examples in code:
# "The list: one organisation per line, such as ‹…›, ‹…› or ‹…›; or CSV with a header row (…)"
dash-import-content = The list: one organisation per line, such as
dash-import-content-or = or
dash-import-content-csv = ; or CSV with a header row (name, country, website, email)
dash-import-format = Format
dash-import-format-text = plain text, one per line
dash-import-format-csv = CSV with a header row
dash-import-letter = Also sign a letter for each organisation (marked as imported by the coalition)
dash-import-no-letter = no: the directory only
dash-import-nothing-until = Nothing is saved until you press “Import” under the preview.
dash-import-line-error = Line { $line }: { $messages }
# The preview's totals: "3 ready · 1 to review · 0 repeated · 2 new to the directory, …"
dash-import-ready = ready
dash-import-to-review = to review
dash-import-repeated = repeated
dash-import-organisations = { $new } new to the directory, { $existing } there already
dash-import-signatures = on { $letter }: { $new } to sign, { $already } signed already
dash-import-awaiting = { $count } awaiting confirmation or moderation
dash-import-col-line = Line
dash-import-col-as-written = As written
dash-import-col-import = Import
dash-import-leave-out = leave it out for now
# What saving does with a line: "yes: new to the directory; signs the letter"
dash-import-yes = yes: { $outcome }
dash-import-no = no: { $outcome }
dash-import-outcome-new = new to the directory
dash-import-outcome-existing = in the directory
dash-import-outcome-signs = ; signs the letter
dash-import-outcome-signed = ; signed already
dash-import-outcome-awaiting = ; its signature awaits confirmation or moderation
dash-import-outcome-review = not imported until reviewed
dash-import-outcome-duplicate = repeats line { $line }: skipped
dash-import-explain = Lines still up for review are left out and listed after the import; an organisation already in the directory is not changed. Importing the same list again adds nothing.
dash-import-button = Import
dash-import-again = Preview again with these countries
# The notice after an import, its sentences one after the other.
dash-import-done = Imported: { $new } new organisations in the directory, { $existing } there already.
dash-import-done-letter = On { $letter }: { $new } new signatures, { $already } signed already, { $awaiting } awaiting confirmation or moderation.
dash-import-done-review =
    Not imported, for review: { $count ->
        [one] line
       *[other] lines
    } { $lines }.
dash-import-done-repeated = { $count } repeated lines skipped.
dash-import-left-out = Lines left out
dash-import-left-out-explain = These lines were not imported. They are in the form below, as written: correct them (or choose their country in the preview) and import them again.
dash-import-col-why = Why

## A coalition's coordinators (dashboard/members.html)

dash-coordinators-title = Members
dash-coordinators-crumb = coordinators
dash-coordinators-heading = Coordinators of { $coalition }
dash-coordinators-invitations = Invitations waiting for an answer
dash-coordinators-col-since = Since
dash-coordinators-invite-heading = Invite a coordinator or change a role
dash-coordinators-invite-explain = Someone who is not a member yet is invited: the role begins when their account accepts it on its account page.
dash-coordinators-email = Their account's email
dash-coordinators-invited = Invitation pending for { $email }: the role begins when their account accepts it on its account page.

## The audit log of a letter or a coalition (dashboard/audit.html)

dash-audit-crumb = audit log
dash-audit-explain = Every change, newest first, with who made it. The same log is in the API as JSON.
dash-audit-col-when = When (UTC)
dash-audit-col-what = What happened
dash-audit-kind = Kind
dash-audit-any-kind = any kind
dash-audit-person = Person
dash-audit-anyone = anyone
dash-audit-filter = Show
dash-audit-empty = No entry matches.
dash-audit-kind-letter = the letter
dash-audit-kind-signature = signatures
dash-audit-kind-invitation = invitations
dash-audit-kind-organisation = organisations
dash-audit-kind-coalition = the coalition
dash-audit-kind-membership = coordinators
dash-audit-kind-user = accounts
dash-audit-kind-api-token = API tokens
dash-audit-kind-campaign = campaigns
dash-audit-kind-country = countries
dash-audit-kind-import = imports
dash-audit-kind-mail = mail
dash-audit-kind-update = updates to signatories
# One sentence per action the services record; { $who } is the person (or "the public", "the
# service"). An organisation is written with its country: "Alpha Rights (FR)".
dash-audit-letter-created = { $who } created the letter “{ $title }”
dash-audit-letter-updated = { $who } changed { $changes }
dash-audit-letter-updated-fields = { $who } changed the { $fields }
dash-audit-change = the { $field } from { $before } to { $after }
dash-audit-change-field = the { $field }
dash-audit-value-none = none
dash-audit-field-title = title
dash-audit-field-body = text
dash-audit-field-recipient-name = recipient
dash-audit-field-recipient-email = recipient address
dash-audit-field-place-and-date = place and date
dash-audit-field-language = language
dash-audit-field-moderation = moderation
dash-audit-field-visibility = visibility
dash-audit-field-deadline = deadline
dash-audit-field-opens-at = opening time
dash-audit-field-campaign = campaign
dash-audit-field-text-licence = licence of the text
dash-audit-field-name = name
dash-audit-field-country = country
dash-audit-field-website = website
dash-audit-field-email-domain = email domain
dash-audit-field-verification = verification
dash-audit-letter-state-changed = { $who } moved the letter from { $from } to { $to }
dash-audit-letter-closed-at-deadline = { $who } closed the letter at its deadline
dash-audit-letter-delivered = { $who } recorded the delivery of the letter with { $signatories ->
        [one] one signatory
       *[other] { $signatories } signatories
    } from { $countries ->
        [one] one country
       *[other] { $countries } countries
    }
dash-audit-letter-delivered-by-email = { $who } delivered the letter by mail with { $signatories ->
        [one] one signatory
       *[other] { $signatories } signatories
    } from { $countries ->
        [one] one country
       *[other] { $countries } countries
    }
dash-audit-letter-exported = { $who } downloaded the signatures with their contacts ({ $format }, { $signatures ->
        [one] one signature
       *[other] { $signatures } signatures
    })
dash-audit-letter-signer-emails-removed = { $who } removed the signers’ addresses of { $signatures ->
        [one] one signature
       *[other] { $signatures } signatures
    } after { $retention_days } days
dash-audit-letter-preview-created = { $who } made a preview link of the draft
dash-audit-letter-preview-created-for = { $who } made a preview link of the draft for “{ $label }”
dash-audit-letter-preview-revoked = { $who } revoked a preview link of the draft
dash-audit-letter-preview-revoked-for = { $who } revoked the preview link for “{ $label }”
dash-audit-letter-translation-saved = { $who } saved the translation into { $language }
dash-audit-letter-translation-removed = { $who } removed the translation into { $language }
dash-audit-letter-version-published = { $who } published version { $version } of the text
dash-audit-letter-version-published-note = { $who } published version { $version } of the text: { $note }
dash-audit-signature-created = { $organisation } signed; its confirmation mail was sent
dash-audit-signature-created-held = { $organisation } signed again from another address; held for the coalition to decide
dash-audit-signature-confirmed = { $organisation } confirmed its signature, which awaits moderation
dash-audit-signature-confirmed-and-published = { $organisation } confirmed its signature, which was published
dash-audit-signature-confirmed-unproven-domain = { $organisation } confirmed its signature from an address outside its domain; it awaits moderation
dash-audit-signature-confirmed-held = { $organisation } confirmed a second signature; held for the coalition to decide
dash-audit-signature-approved = { $who } approved the signature of { $organisation }
dash-audit-signature-approved-many = { $who } approved { $count } signatures: { $organisations }
dash-audit-signature-rejected = { $who } rejected the signature of { $organisation }
dash-audit-signature-rejected-many = { $who } rejected { $count } signatures: { $organisations }
dash-audit-signature-withdrawn = { $organisation } withdrew its signature
dash-audit-signature-imported = { $who } imported the signature of { $organisation }
dash-audit-signature-imported-many = { $who } imported { $count } signatures: { $organisations }
dash-audit-signature-erased = { $who } erased the signer of { $organisation }; the organisation stays listed
dash-audit-signature-superseded-by-invitation = The signature of { $organisation } was replaced by the one made through its invitation
dash-audit-signature-unsubscribed = { $organisation } unsubscribed from the updates
dash-audit-signatures-rejected-matching = { $who } rejected { $rejected ->
        [one] one matching signature
       *[other] { $rejected } matching signatures
    } ({ $removed_from_list } taken off the list)
dash-audit-reason = (reason: { $reason })
dash-audit-invitation-sent = { $who } invited { $organisation }
dash-audit-invitation-sent-many = { $who } invited { $count } organisations: { $organisations }
dash-audit-invitation-scheduled = { $who } invited { $organisation }, to be mailed when the letter opens
dash-audit-invitation-resent = { $who } sent the invitation to { $organisation } again
dash-audit-invitation-reminded = { $who } reminded { $organisation } (reminder { $reminder })
dash-audit-invitation-reminded-many = { $who } reminded { $count } organisations: { $organisations }
dash-audit-invitation-opened = { $organisation } opened its invitation
dash-audit-invitation-signed = { $organisation } signed through its invitation
dash-audit-organisation-created = { $who } added { $organisation } to the directory
dash-audit-organisation-changed = { $who } changed { $name } in the directory: { $changes }
dash-audit-organisation-updated = { $who } changed { $organisation } in the directory
dash-audit-organisation-checked = { $who } marked { $organisation } as checked by this coalition
dash-audit-organisation-unchecked = { $who } withdrew this coalition’s check of { $organisation }
dash-audit-organisation-linked = { $who } added { $organisation } to the coalition’s members
dash-audit-organisation-unlinked = { $who } removed { $organisation } from the coalition’s members
dash-audit-organisation-merged = { $who } merged { $merged } into { $into }
dash-audit-coalition-created = { $who } created the coalition { $name }
dash-audit-membership-invited = { $who } invited someone to be { $role }
dash-audit-membership-accepted = { $user } accepted the role of { $role }
dash-audit-membership-declined = { $user } declined the role of { $role }
dash-audit-membership-added = { $who } made { $user } { $role }
dash-audit-membership-changed = { $who } changed the role of { $user } from { $from } to { $to }
dash-audit-membership-removed = { $who } removed { $user } from the coalition
dash-audit-user-created = { $who } created the account of { $name }
dash-audit-user-created-setup = { $name } set up the service with its setup link
dash-audit-user-password-changed = { $who } changed their password ({ $api_tokens_revoked ->
        [one] one API token
       *[other] { $api_tokens_revoked } API tokens
    } revoked)
dash-audit-api-token-created = { $who } made the API token “{ $name }”
dash-audit-api-token-revoked = { $who } revoked the API token “{ $name }”
dash-audit-campaign-created = { $who } created the campaign “{ $title }”
dash-audit-campaign-updated = { $who } changed the campaign’s { $fields }
dash-audit-campaign-event-posted = { $who } posted “{ $title }” on the campaign’s timeline
dash-audit-campaign-event-deleted = { $who } deleted “{ $title }” from the campaign’s timeline
dash-audit-country-added = { $who } added the country { $name }
dash-audit-country-removed = { $who } removed the country { $name }
dash-audit-import-applied = { $who } imported a list ({ $format }, { $lines ->
        [one] one line
       *[other] { $lines } lines
    }, { $signatures_new ->
        [one] one new signature
       *[other] { $signatures_new } new signatures
    })
dash-audit-mail-retried = { $who } sent a { $kind } again
dash-audit-update-sent = { $who } sent the update “{ $subject }” to { $recipients ->
        [one] one signatory
       *[other] { $recipients } signatories
    }
dash-audit-unknown = { $who }: { $action } { $details }

## The outbox (dashboard/outbox.html)

dash-outbox-title = Outbox
dash-outbox-check-failed = The mail settings do not work
dash-outbox-check-failed-details = (checked at start, { $time } UTC, { $mailer }): { $error }. Mail waits here until they are mended and the service restarted.
dash-outbox-check-ok = Mail settings checked at start ({ $time } UTC, { $mailer }): the server takes the connection, TLS and login.
# Before the links that filter the list: "Show: all · queued · sent · dead"
dash-outbox-show = Show:
dash-outbox-all = all
dash-outbox-queued = waiting
dash-outbox-sent = sent
dash-outbox-dead = given up
dash-outbox-col-created = Created (UTC)
dash-outbox-col-kind = Kind
dash-outbox-col-about = About
dash-outbox-col-to = To
dash-outbox-about = { $organisation }, on “{ $letter }”
dash-outbox-kind-signature-confirmation = confirmation request
dash-outbox-kind-signature-contested = notice of a second signature
dash-outbox-kind-already-signed = notice that the address already signed
dash-outbox-kind-already-listed = notice that the organisation is already listed
dash-outbox-kind-invitation = invitation
dash-outbox-kind-invitation-reminder = reminder of an invitation
dash-outbox-kind-delivery = delivery to the recipient
dash-outbox-kind-update = update to a signatory
dash-outbox-state-queued = waiting to be sent
dash-outbox-state-retrying = failed, will try again
dash-outbox-state-sent = sent
dash-outbox-state-skipped = not sent (not needed)
dash-outbox-state-dead = failed, given up
dash-outbox-col-attempts = Attempts
dash-outbox-col-error = Last error
dash-outbox-col-action = Action
dash-outbox-retry = Retry

## One's account: invitations, the password, API tokens (dashboard/account.html)

dash-account-title = Your account
dash-account-new-token = Your new API token (shown once; keep it safe):
dash-account-invitations = Invitations
dash-account-invitations-intro = A coalition's owner invited you to a role; it begins only if you accept.
dash-account-accept = Accept
dash-account-decline = Decline
dash-account-password-heading = Change your password
dash-account-password-intro = Changing it ends your other sessions and revokes all your API tokens.
dash-account-current-password = Current password
dash-account-new-password = New password (at least 12 characters)
dash-account-password-button = Change the password
dash-account-password-changed = Your password is changed; your other sessions have ended and your API tokens are revoked.
dash-account-tokens = API tokens
# One sentence around the header in code and the link to the API's documentation:
# "For scripts: send ‹Authorization: Bearer <token>› to the ‹API›."
dash-account-tokens-send = For scripts: send
dash-account-tokens-to = to the
dash-account-tokens-api = API
dash-account-col-created = Created
dash-account-col-expires = Expires
dash-account-token-revoked = revoked
dash-account-token-expired = expired
dash-account-token-active = active
dash-account-revoke = Revoke
dash-account-token-name = New token's name
dash-account-token-days = Works for (days, 1 to { $max })
dash-account-token-button = Create a token

## Confirming a change before it is made (dashboard/confirm.html)

dash-confirm-crumb = confirm
dash-confirm-cancel = Cancel: change nothing
dash-confirm-back = Back to the letter
dash-confirm-move-heading = Move “{ $title }”?
dash-confirm-open-heading = Open “{ $title }” for signatures?
dash-confirm-open-frozen = The text is frozen: it can no longer be edited (a new version can be published later).
dash-confirm-open-live = The letter’s public page and its sign form go live.
dash-confirm-open-invitations = { $count ->
        [0] No invitation is waiting to be mailed.
        [one] 1 invitation is mailed.
       *[other] { $count } invitations are mailed.
    }
dash-confirm-open-deadline = Signing ends at its deadline, { $time } UTC.
dash-confirm-open-button = Open for signatures
dash-confirm-reopen-heading = Reopen “{ $title }” for signatures?
dash-confirm-reopen-signing = Signing starts again: the sign form is back on the public page.
dash-confirm-reopen-kept = The list ({ $count } { $count ->
        [one] organisation
       *[other] organisations
    } from { $countries } { $countries ->
        [one] country
       *[other] countries
    }) and its public record are kept as they are.
dash-confirm-reopen-button = Reopen for signatures
dash-confirm-close-heading = Close signing on “{ $title }”?
dash-confirm-close-stops = Signing stops: the sign form leaves the public page.
dash-confirm-close-listed = { $count } { $count ->
        [one] organisation
       *[other] organisations
    } from { $countries } { $countries ->
        [one] country
       *[other] countries
    } { $count ->
        [one] stays
       *[other] stay
    } listed.
dash-confirm-close-queue = { $count } awaiting moderation { $count ->
        [one] stays
       *[other] stay
    } in the queue.
dash-confirm-close-undo = You can reopen it until it is delivered.
dash-confirm-close-button = Close signing
dash-confirm-deliver-heading = Deliver “{ $title }”?
dash-confirm-deliver-frozen = The list is frozen at { $count } { $count ->
        [one] organisation
       *[other] organisations
    } from { $countries } { $countries ->
        [one] country
       *[other] countries
    }: no signature joins, leaves or changes name on it afterwards.
dash-confirm-deliver-by-email = The letter and its list are mailed to { $recipient } ({ $address }).
dash-confirm-deliver-by-hand = Nothing is mailed: you hand the letter over yourself.
dash-confirm-deliver-queue = { $count } awaiting moderation can no longer be approved.
dash-confirm-deliver-undo = This cannot be undone: a delivered letter cannot be reopened.
dash-confirm-deliver-button = Deliver the letter
dash-confirm-archive-heading = Archive “{ $title }”?
dash-confirm-archive-what = The letter can no longer be changed; its public page and its frozen list stay as they are.
dash-confirm-archive-undo = This cannot be undone.
dash-confirm-archive-button = Archive the letter
dash-confirm-reject-heading = Reject { $count } { $count ->
        [one] signature
       *[other] signatures
    }?
dash-confirm-reject-what = { $count } { $count ->
        [one] signature awaiting moderation is
       *[other] signatures awaiting moderation are
    } rejected, with the reason “{ $reason }”.
dash-confirm-reject-who = Organisations: { $names }.
dash-confirm-reject-more = …and { $count } more.
dash-confirm-reject-unlisted = Rejected signatures are never listed; the reason is kept in the audit log and shown to coordinators only.
dash-confirm-reject-button = Reject { $count } { $count ->
        [one] signature
       *[other] signatures
    }

## A launch plan: a draft's opening time and its secret preview links (issue 24)
dash-letter-form-preview-explain = The letter as it will read, with its recipient and its place and date line; nothing is saved yet.
dash-letter-form-preview-to-form = Back to the form
dash-letter-form-opens-at = Opening time, UTC (optional): the draft opens by itself then, and its invitations are mailed
dash-letter-scheduled = Scheduled to open at { $time } UTC; invitations added meanwhile are mailed then.
dash-invitations-scheduled = Invitations added now are kept and mailed when the letter opens at { $time } UTC.
dash-previews-heading = Preview links
dash-previews-explain = A secret link shows this draft as it will read to anyone who has it, without signing in: no sign form, not listed anywhere, not indexed by search engines. Share it with partner organisations before the launch, and revoke it when it should stop working. Once the letter opens, the link leads to its public page.
dash-previews-none = No preview link yet.
dash-previews-label = Who the link is for (optional, e.g. for EDRi)
dash-previews-create = Make a preview link
dash-previews-col-label = For
dash-previews-col-made = Made
dash-previews-col-state = State
dash-previews-no-label = (no label)
dash-previews-live = works
dash-previews-revoked = revoked { $time } UTC
dash-previews-revoke = Revoke
dash-previews-revoked-notice = The preview link is revoked: it no longer works.
dash-previews-created-title = New preview link: { $title }
dash-previews-created = The preview link is ready. Copy it now: it is shown only once.
dash-previews-url = The link to share
dash-previews-not-made = The preview link was not made.
dash-previews-back = Back to the letter
