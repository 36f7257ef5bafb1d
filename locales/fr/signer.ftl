# Le parcours du signataire, en français. Mêmes messages et mêmes variables qu'en anglais.

language-name = Français
switch-language = Langue :

## Dates

date = { $day } { $month } { $year }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Counts

count-organisations =
    { $count ->
        [one] { $count } organisation
       *[other] { $count } organisations
    }
count-countries =
    { $count ->
        [one] { $count } pays
       *[other] { $count } pays
    }
count-changes =
    { $count ->
        [one] { $count } modification
       *[other] { $count } modifications
    }

## The letter page

letter-to = À : { $recipient }
letter-from = De : { $coalition } et les organisations signataires
signed-so-far = { $organisations } de { $countries } ont déjà signé.
signed-in-all = { $organisations } de { $countries } ont signé.
no-one-signed-yet = Aucune organisation n'a encore signé.
sign-this-letter = Signer cette lettre
campaign-part = Fait partie de la campagne :
delivered = Remise à { $recipient } le { $date } avec { $organisations } de { $countries } ; la liste ci-dessous est la liste remise.
printable-copy = Version imprimable
version-note = Ceci est la version { $version } du texte ; une organisation qui a signé une version antérieure est marquée comme telle.
earlier-versions = Versions antérieures
not-translated = Cette lettre n'a pas encore de traduction française : voici son texte original.
read-in = Lire la lettre en :

## The sign form

sign-heading = Signer cette lettre au nom de votre organisation
errors-title =
    { $count ->
        [one] Rien n'a encore été signé : veuillez corriger ce champ
       *[other] Rien n'a encore été signé : veuillez corriger ces champs
    }
error-item = { $field } : { $message }
field-organisation = Nom de l'organisation
field-country = Pays
choose-country = Choisissez un pays
country-hint = (tapez le nom du pays pour le trouver)
field-website = Site web
optional = (facultatif)
field-name = Votre nom
field-role = Votre fonction dans l'organisation
field-email = Votre adresse e-mail
email-hint = (pour confirmer ; jamais publiée)
field-comment = Commentaire
comment-hint = (facultatif, lu seulement par les coordinateurs)
field-consent = Consentement
consent-text = J'accepte que mon nom, ma fonction et mon adresse e-mail soient conservés pour gérer cette signature. Seuls le nom, le pays et le site web de l'organisation sont publiés.
honeypot = Laissez ce champ vide
sign-button = Signer la lettre
closed = Cette lettre est close et n'accepte plus de signatures.
closed-delivered = Cette lettre a été remise et n'accepte plus de signatures.

## The list

signatories-heading = Signataires
signatories-count = ({ $organisations }, { $countries })
no-one-listed = Aucune organisation n'est encore sur la liste.
chart-alt = Diagramme en barres des signataires par pays ; les chiffres sont dans le tableau en dessous
chart-table = Le diagramme sous forme de tableau
# The chart (chart.svg): its title and the countries past its bars.
chart-title = Signataires par pays ({ $total } en tout)
chart-others =
    { $others ->
        [one] et { $others } autre pays : { $sum }
       *[other] et { $others } autres pays : { $sum }
    }
table-country = Pays
table-organisations = Organisations
list-as-data = La liste en données :
changes-feed = modifications (Atom)
licence-list = La liste est publiée sous
licence-text = le texte de la lettre sous
licence-text-reserved = le texte de la lettre : tous droits réservés par { $coalition }.
licence-not-software = Ce sont les licences de cette lettre et de sa liste, pas celles du logiciel qui les publie.
data-dictionary = Ce que dit chaque colonne (Data Package)
badges-explained = « vérifié : example.org » signifie qu'une personne qui a signé pour l'organisation a confirmé une adresse e-mail sur le domaine du site web de l'organisation, celui qui est indiqué ; « invitée », que l'organisation a signé grâce à une invitation personnelle envoyée par la coalition. Les autres organisations figurent telles qu'elles ont signé.
record = Chaque modification de cette liste est conservée dans un registre public signé ({ $changes } à ce jour) : chacun peut vérifier que des noms n'ont été ajoutés ou retirés que comme il est enregistré.
record-link = Voir le registre
first-listed = Les { $listed } premiers signataires figurent ci-dessous ; les fichiers ci-dessus les contiennent tous ({ $total }), et chaque pays a sa propre page :
all-from-country = Les { $count } de { $country }
badge-verified = vérifié : { $domain }
badge-verified-title = Une personne qui a signé pour cette organisation a confirmé une adresse e-mail sur ce domaine, celui de son site web.
badge-invited = invitée
badge-invited-title = Signé grâce à une invitation personnelle que la coalition de la lettre a envoyée à cette organisation.
badge-imported = inscrite par la coalition
badge-imported-title = Ajoutée par la coalition de la lettre à partir d'une liste de signataires qu'elle a recueillie.
signed-version = (a signé la version { $version })
cite-this = Citer cette liste :
citation = { $coalition }, « { $title } », lettre ouverte à { $recipient }, signée par { $organisations } de { $countries } (version { $version } de la liste, { $date }), { $url }

## A country's page

country-heading = Signataires : { $country }
country-count = ({ $count } sur { $total })
country-as-data = La liste de ce pays en données :
from-the-start = Depuis le début
next-page = Les { $count } suivants

## After signing

check-email-title = Consultez vos e-mails
check-email = Merci. Nous avons envoyé un e-mail à l'adresse indiquée au sujet de votre signature de « { $title } » : ouvrez-le pour confirmer, ou pour savoir ce qu'il en est si cette adresse ou votre organisation a déjà signé.
back-to-letter = Retour à la lettre

## The pages behind the links in mails

action-letter = Lettre :
action-organisation = Organisation :
confirm-heading = Confirmez votre signature
confirm-explain = Appuyez sur le bouton pour confirmer que votre organisation signe cette lettre.
confirm-button = Confirmer la signature
confirm-published = Cette signature est confirmée et publiée.
confirm-waiting = Cette signature est confirmée et attend les coordinateurs de la lettre.
confirm-ended = Cette signature a été retirée ou n'a pas été acceptée.
confirmed-heading = Signature confirmée
confirmed-listed = Merci : la signature est confirmée et votre organisation figure désormais sur la liste.
confirmed-held = Merci : la signature est confirmée. La lettre a déjà une signature pour votre organisation, venant d'une autre adresse ; les coordinateurs de la lettre verront les deux et décideront laquelle est retenue.
confirmed-review = Merci : la signature est confirmée. Les coordinateurs de la lettre l'examineront avant de l'ajouter à la liste.
withdraw-heading = Retirer votre signature
withdraw-explain = Appuyez sur le bouton pour retirer la signature de votre organisation. Elle ne figurera plus sur la liste.
withdraw-button = Retirer la signature
withdraw-ended = Cette signature n'est plus active.
withdrawn-heading = Signature retirée
withdrawn = La signature est retirée et ne figure plus sur la liste.
link-expired = Ce lien de confirmation a expiré ; veuillez signer à nouveau.

## Unsubscribing from a letter's updates

unsubscribe-heading = Ne plus recevoir de nouvelles de cette lettre
unsubscribe-explain = Les coordinateurs de la lettre envoient de temps en temps des nouvelles à ses signataires (par exemple quand le destinataire répond). Appuyez sur le bouton pour ne plus en recevoir. La signature de votre organisation reste inchangée.
unsubscribe-button = Me désabonner
unsubscribe-done = Vous êtes désabonné : vous ne recevrez plus de nouvelles de cette lettre.
unsubscribed-heading = Vous êtes désabonné
unsubscribed-already = Vous étiez déjà désabonné : vous ne recevez pas de nouvelles de cette lettre.
unsubscribed = Vous ne recevrez plus de nouvelles de cette lettre. La signature de votre organisation reste inchangée ; pour la retirer, utilisez le lien présent dans chacun des e-mails de la lettre.

## The page behind an invitation's link

invitation-title = Invitation : { $title }
invitation-invites = { $coalition } invite { $organisation } ({ $country }) à signer cette lettre.
invitation-sign-heading = Signer au nom de { $organisation }
invitation-keep-withdraw = Pour retirer la signature plus tard, gardez ce lien :
invitation-withdraw-link = retirer la signature
invitation-correct = Veuillez corriger les champs signalés ci-dessous.
invitation-organisation = Organisation
invitation-personal = Ce lien est propre à { $organisation } : signer par ce lien ne demande pas d'e-mail de confirmation, et l'organisation est listée comme vérifiée par invitation.
invitation-consent = J'accepte que mon nom et mon rôle soient conservés, avec l'adresse à laquelle cette invitation a été envoyée, pour gérer cette signature. Seuls le nom, le pays et le site web de l'organisation sont publiés.
invitation-public-page = La page publique de la lettre
invitation-signed-listed = { $organisation } a signé cette lettre et figure parmi ses signataires.
invitation-signed-waiting = { $organisation } a signé cette lettre. Les coordinateurs de la lettre examineront la signature avant de la publier.
invitation-deadline-passed = La date limite de signature de cette lettre est passée.
invitation-thanks-listed = Merci : { $organisation } a signé et figure désormais parmi les signataires.
invitation-thanks-review = Merci : { $organisation } a signé. Les coordinateurs de la lettre examineront la signature avant de la publier.
invitation-signed-before = Votre organisation avait déjà signé cette lettre ; rien n'a changé.

## Why a field was refused (after the field's name; the API answers with the English text)

problem-required = est obligatoire
problem-blank = ne doit pas être vide
problem-empty = ne doit pas être vide
problem-too-long = doit compter au plus { $max } caractères
problem-not-one-line = doit tenir sur une ligne, sans saut de ligne ni caractère de contrôle
problem-invisible = ne doit pas contenir de caractère invisible ou de sens d’écriture ({ $code_point })
problem-not-a-web-address = doit être une adresse web
problem-not-http = doit être une adresse http ou https
problem-no-host = doit nommer un site, comme example.org
problem-has-credentials = ne doit contenir ni nom d’utilisateur ni mot de passe
problem-not-an-email-address = doit être une adresse e-mail, comme nom@example.org
problem-undeliverable = ne peut pas recevoir de courrier : « { $domain } » n’est pas un domaine d’Internet (une adresse ressemble à nom@example.org)
problem-not-a-language-tag = doit être un code de langue comme en, fr ou pt-BR
problem-no-consent = vous devez accepter la notice de confidentialité pour signer

## A draft's secret preview link (/preview/{token})
preview-notice = Aperçu d’un brouillon, partagé avec vous avant son ouverture aux signatures. Merci de ne pas transmettre ce lien : le texte peut encore changer.
preview-opens = La lettre s’ouvrira aux signatures le { $time }.
