# E-mails aux signataires.

mail-hello = Bonjour { $name },
read-letter = Lire la lettre :
ignore-if-not-you = Si ce n'est pas vous, vous pouvez ignorer cet e-mail.
time-utc = { $date } à { $time } UTC

## The confirmation mail

confirm-subject = Veuillez confirmer votre signature : { $title }
confirm-asked = Vous avez demandé à signer la lettre ouverte « { $title } » au nom de { $organisation }.
confirm-held = Attention : cette lettre a déjà une signature pour { $organisation }, faite depuis une autre adresse. La vôtre ne figurera pas seule sur la liste. Une fois que vous aurez confirmé, la coalition qui a écrit la lettre verra les deux signatures et décidera laquelle est retenue ; l'autre signataire sera informé qu'une seconde signature a été faite depuis une adresse de votre domaine (jamais l'adresse elle-même).
confirm-open = Pour confirmer la signature, ouvrez ce lien et appuyez sur le bouton de la page :
confirm-or-open = Ou ouvrez ce lien et appuyez sur le bouton de la page :
confirm-until = Le lien fonctionne jusqu'au { $until }. Si vous n'avez rien demandé, ignorez cet e-mail : rien ne sera publié.
withdraw-any-time = Pour retirer la signature à tout moment, ouvrez :

## "You signed already"

already-subject = Vous avez déjà signé : { $title }
already-asked = Quelqu'un a demandé, avec cette adresse, à signer la lettre ouverte « { $title } ». Cette adresse l'a déjà signée, au nom de { $organisation } : { $standing }. Une adresse ne signe une lettre qu'une fois : rien d'autre n'a été signé.
already-nothing = Si c'est bien ce que vous vouliez, il n'y a rien à faire. Pour reprendre votre signature, retirez-la :
already-pending = Pour la confirmer, ouvrez le lien de l'e-mail de confirmation que nous vous avons envoyé plus tôt.
standing-listed = elle figure sur la liste depuis le { $date }
standing-pending = elle attend votre confirmation
standing-review = elle est confirmée et attend l'examen de la coalition

## To a colleague: "your organisation signed already" (naming no one)

mail-hello-all = Bonjour,
listed-subject = { $organisation } a déjà signé : { $title }
listed-asked = Quelqu'un a demandé, avec cette adresse, à signer la lettre ouverte « { $title } » au nom de { $organisation }. { $organisation } l'a déjà signée : { $standing }. Une organisation ne signe une lettre qu'une fois : rien d'autre n'a été signé.
listed-since = elle figure sur la liste depuis le { $date }
listed-waiting = la signature d'un ou d'une collègue attend sa confirmation ou l'examen de la coalition
listed-ask = Pour savoir qui a signé, demandez à vos collègues. Si vous pensez que { $organisation } ne devrait pas figurer sur la liste, écrivez à la coalition qui a rédigé la lettre, { $coalition }.

## To a signer: another signature for their organisation, held

contested-subject = Une autre signature pour { $organisation } : { $title }
contested-signed = Vous avez signé la lettre ouverte « { $title } » au nom de { $organisation }.
contested-other = Quelqu'un vient de la signer aussi au nom de { $organisation }, depuis une adresse chez { $domain }, et a confirmé cette adresse. Une organisation ne signe une lettre qu'une fois : cette signature est donc retenue et n'est pas publiée. La coalition qui a rédigé la lettre voit les deux signatures et décide laquelle est retenue.
contested-still-listed = D'ici là, la vôtre reste sur la liste.
contested-mistake = Si l'autre signataire est un ou une collègue, il n'y a rien à faire. Si { $organisation } n'a pas signé cette lettre et que vous avez signé en son nom par erreur, retirez votre signature :

## An update from the coordinators

update-subject = { $subject } (nouvelles de « { $title } »)
update-intro = Les coordinateurs de la lettre ouverte « { $title } », que { $organisation } a signée, vous envoient ces nouvelles :
update-letter = La lettre :
update-read = Lire la lettre et ses signataires
update-why = Vous recevez cet e-mail parce que vous avez signé la lettre pour { $organisation }.
update-stop = Pour ne plus recevoir de nouvelles de cette lettre, ouvrez :
update-stop-link = Ne plus recevoir de nouvelles de cette lettre
update-withdraw = Pour retirer la signature de votre organisation, ouvrez :
update-withdraw-link = Retirer la signature

## The invitation to sign (in the letter's language)

invite-subject = { $organisation } est invitée à signer « { $title } »
invite-subject-reminder = Rappel : { $organisation } est invitée à signer « { $title } »
invite-title = Invitation à signer
invite-reminder = Un rappel :
invite-invites = { $coalition } invite { $organisation } ({ $country }) à signer la lettre ouverte « { $title } », adressée à { $recipient }.
invite-personal = Ce lien est propre à { $organisation } : ouvrez-le pour lire la lettre et la signer en une étape, sans e-mail de confirmation :
invite-button = Lire et signer la lettre
invite-or-open = Ou ouvrez ce lien :
invite-until = La lettre peut être signée jusqu'au { $deadline }.
invite-published = Seuls le nom, le pays et le site web de l'organisation sont publiés, avec la mention « vérifiée par invitation » ; le nom et le rôle de la personne qui signe ne sont vus que par les coordinateurs.
invite-ignore = Si { $organisation } ne souhaite pas signer, ignorez cet e-mail.
