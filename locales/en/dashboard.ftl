# The coordinators' pages: the dashboard, one's account, signing in and the first-run setup.
# English only for now (ENGLISH_ONLY in src/i18n.rs): another language that lacks one of these
# messages shows it in English. Every id starts with "dash-"; a section per page, the notices
# its handlers write after a form last. Where a sentence is cut by a link or a code element,
# its parts are messages of their own, in the sentence's order.

## Shared by several pages

dash-title-suffix = dashboard
dash-correct-fields = Please correct the fields marked below.
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
dash-audit-heading = Audit log
dash-versions-title = Versions and translations

## The navigation on every page (dashboard/nav.html)

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
dash-home-col-pending = Pending
dash-home-col-awaiting = Awaiting moderation
dash-home-col-countries = Countries
