"""What the kiosk says aloud when no offline voice of the device speaks the screen's language: one
short recording per screen and language, made ahead of time with espeak-ng (Debian package) by
``manage.py generer_audio_borne`` and committed under static/audio/borne/<langue>/<écran>.ogg.

The recording reads the fixed text of the screen (question, instruction, fixed choices); what the
MDS types (motifs) and what changes (days, times, numbers) is read by the device's voice when it
has one. The waiting-room screen calls tickets with short clips (« Ticket », letters, numbers)."""

from django.utils.translation import gettext_noop as N

from .enums import AvisTag, Ressenti

LANGUES = ("fr", "en", "ar")
ESPEAK_VOICES = {"fr": "fr-fr", "en": "en-gb", "ar": "ar"}
AIDE = N("Demander à l'accueil")

# url name of the kiosk screen → texts read in order (msgids of the kiosk's translations)
SCREENS = {
    "accueil": [N("Bonjour !"), N("Que voulez-vous faire ? Touchez une image."), N("Prendre un rendez-vous"),
                N("J'ai un rendez-vous"), N("Je n'ai pas de rendez-vous"), N("M'inscrire à un atelier"),
                N("Donner mon avis")],
    "aide": [N("On a prévenu l'accueil."), N("Restez près de l'écran. Une personne va venir.")],
    "rdv": [N("Pourquoi voulez-vous venir ?"), N("Touchez une image.")],
    "rdv_jour": [N("Quel jour ?"), N("Ces jours ont encore de la place. Touchez un jour.")],
    "rdv_heure": [N("À quelle heure ?")],
    "rdv_prenom": [N("Votre prénom"), N("Par exemple : Marie. Pas besoin de votre nom de famille."), N("Continuer")],
    "rdv_rappel": [N("Voulez-vous un SMS de rappel ?"), N("Nous vous envoyons un SMS avant le rendez-vous."),
                   N("Je veux un SMS de rappel"), N("Non merci")],
    "rdv_telephone": [N("Votre numéro de téléphone portable"),
                      N("Seulement pour le SMS de rappel. Exemple : 06 12 34 56 78."), N("Valider mon rendez-vous")],
    "rdv_confirmation": [N("Votre rendez-vous est noté !"), N("Notez ce code ou imprimez ce papier."),
                         N("Imprimer"), N("Terminer")],
    "arrivee": [N("Avez-vous un code de rendez-vous ?"), N("Le code est sur votre papier ou dans votre SMS."),
                N("Oui, j'ai un code"), N("Non, je cherche avec l'heure")],
    "arrivee_code": [N("Votre code de rendez-vous"), N("8 lettres et chiffres. Par exemple : AC7K X9M3."),
                     N("Valider")],
    "arrivee_liste": [N("Touchez votre rendez-vous"),
                      N("Vous voyez l'heure et la première lettre de votre prénom et de votre nom.")],
    "arrivee_ticket": [N("Merci, votre arrivée est notée."),
                       N("Asseyez-vous. Votre numéro va s'afficher sur l'écran.")],
    "ticket": [N("Pourquoi venez-vous ?"), N("Touchez une image. Vous recevez un numéro.")],
    "ticket_numero": [N("Voici votre numéro"), N("Asseyez-vous. Votre numéro va s'afficher sur l'écran."),
                      N("Prévenez-moi par SMS quand c'est mon tour")],
    "ticket_sms": [N("Votre numéro de téléphone portable"),
                   N("Seulement pour ce SMS. Exemple : 06 12 34 56 78. Le numéro est effacé quand c'est votre tour."),
                   N("Recevoir le SMS"), N("Non merci")],
    "ticket_sms_fait": [N("Vous recevrez un SMS quand c'est votre tour."),
                        N("Restez près de l'accueil. Après le SMS, votre numéro de téléphone est effacé."),
                        N("Terminer")],
    "ateliers": [N("À quel atelier voulez-vous venir ?"),
                 N("Ces ateliers ont encore de la place. Touchez un atelier.")],
    "ateliers_prenom": [N("Votre prénom"), N("Par exemple : Marie. Pas besoin de votre nom de famille."),
                        N("M'inscrire")],
    "ateliers_confirmation": [N("Votre inscription est notée !"),
                              N("Venez 5 minutes avant le début. Si vous ne pouvez pas venir, dites-le à l'accueil."),
                              N("Imprimer"), N("Terminer")],
    "avis": [N("Comment s'est passée votre visite ?"), N("Nous ne savons pas qui donne son avis. Touchez un visage."),
             *[label for _value, label in Ressenti.choices]],
    "avis_tags": [N("Vous pensez à quoi ?"), N("Vous pouvez toucher une ou plusieurs images. C'est facultatif."),
                  *[label for _value, label in AvisTag.choices], N("Passer"), N("Envoyer mon avis")],
    "avis_merci": [N("Merci pour votre avis !"), N("Il nous aide à mieux vous accueillir."), N("Terminer")],
}  # fmt: skip


def texte(ecran: str) -> str:
    """The sentence read for ``ecran`` in the active language (then « Demander à l'accueil »)."""
    from django.utils.translation import gettext

    parts = [(gettext(m) if isinstance(m, str) else str(m)).rstrip() for m in [*SCREENS[ecran], AIDE]]
    return " ".join(p if p[-1:] in ".!?:؟" else p + "." for p in parts)
