"""Every message kind the apps declare, under one name for the tests (the outbox itself names none:
each kind belongs to the app that declares it in its ``notifications.py``)."""

from accueil.borne.notifications import Kind as BorneKind
from accueil.notifications import Kind as AccueilKind
from ateliers.notifications import Kind as AteliersKind
from mediation.notifications import Kind as MediationKind
from notifications import registry


class Kind:
    CONFIRMATION_RDV = AccueilKind.CONFIRMATION_RDV
    RAPPEL_RDV_J2 = AccueilKind.RAPPEL_RDV_J2
    RAPPEL_RDV_JOUR = AccueilKind.RAPPEL_RDV_JOUR
    ANNULATION_RDV = AccueilKind.ANNULATION_RDV
    RAPPEL_ATELIER = AteliersKind.RAPPEL_ATELIER
    PROMOTION_LISTE_ATTENTE = AteliersKind.PROMOTION_LISTE_ATTENTE
    ATELIER_ANNULE = AteliersKind.ATELIER_ANNULE
    RECAPITULATIF = MediationKind.RECAPITULATIF
    TICKET_APPELE = BorneKind.TICKET_APPELE
    # In registration order (INSTALLED_APPS): accueil's confirmation first.
    values = [kind.value for kind in registry.kinds()]
