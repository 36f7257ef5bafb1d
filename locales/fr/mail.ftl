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
