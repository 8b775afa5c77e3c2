from accueil.enums import CanalReservation, SourcePassage
from accueil.models import Fermeture
from accueil.services import book_appointment, register_arrival
from core.roles import Role
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.factories import UserFactory


def cases(mds_b):
    open_desk(mds_b)
    (mediator,) = make_mediators(mds_b, 1)
    motif = MotifFactory(mds=mds_b)
    rdv = book_appointment(mds=mds_b, motif=motif, start=at(next_open_day(), 10), channel=CanalReservation.ACCUEIL)
    passage = register_arrival(mds=mds_b, source=SourcePassage.VENU_DIRECTEMENT)
    fermeture = Fermeture.objects.create(mds=mds_b, date_debut=next_open_day(), date_fin=next_open_day())
    UserFactory(role=Role.MEDIATEUR, mds=mds_b)
    return {
        "accueil:passage_action": {"pk": passage.pk, "action": "prendre"},
        "accueil:rdv_detail": {"pk": rdv.pk},
        "accueil:rdv_annuler": {"pk": rdv.pk},
        "accueil:rdv_deplacer": {"pk": rdv.pk},
        "accueil:rdv_statut": {"pk": rdv.pk, "action": "arrivee"},
        "accueil:agenda_ics": {"mediateur_id": mediator.pk},
        "accueil:motif_modifier": {"pk": motif.pk},
        "accueil:parametre_supprimer": {"kind": "fermeture", "pk": fermeture.pk},
    }


EXEMPT = {
    "accueil:ecran": "Public device link authenticated by its signed token, not by a session: "
    "tests/accueil/test_views.py checks wrong/revoked tokens (404) and that no personal data is shown.",
}
