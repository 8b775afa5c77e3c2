"""Sending the visitor's récapitulatif by SMS / e-mail through the notifications outbox."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accueil.models import RendezVous
from core.dates import PARIS
from core.roles import Role
from mediation.enums import Resultat
from mediation.notifications import MESSAGE_PARTS, Kind, texte_message
from mediation.services import RECAP_DEJA_ENVOYE, RecapitulatifDejaEnvoye, annuler_accompagnement, envoyer_recapitulatif
from notifications import content
from notifications.content import FORBIDDEN_WORDS, RECAP_MAX, email, sms_text
from notifications.enums import Channel, Status
from notifications.models import Message
from notifications.registry import is_relevant
from tests.accueil.factories import MotifFactory
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db

PHONE = "+33612345678"


def _usager(mds, **fields):
    values = {"canal_contact": "sms", "telephone": PHONE, **fields}
    return UsagerFactory(mds=mds, **values)


def _acc(mds, mediateur, usager, **extra):
    items = extra.pop(
        "items",
        [
            item("caf_prime_activite"),
            item("logement_demande", resultat=Resultat.DOIT_REVENIR, pieces=[("Avis d'imposition", False)]),
        ],
    )
    return log(mds, mediateur, usager=usager, items=items, **extra)


def _recap_messages(acc):
    return Message.objects.for_object(acc).filter(kind=Kind.RECAPITULATIF)


def _detail(client, acc):
    return client.get(reverse("mediation:detail", kwargs={"pk": acc.pk})).content.decode()


def _send_url(acc):
    return reverse("mediation:recapitulatif_envoyer", kwargs={"pk": acc.pk})


def test_service_schedules_one_sms_to_the_visitor_phone(mds_a, mediateur):
    acc = _acc(mds_a, mediateur, _usager(mds_a))
    before = timezone.now()
    message = envoyer_recapitulatif(accompagnement=acc)
    assert _recap_messages(acc).count() == 1 == Message.objects.count()
    message.refresh_from_db()
    assert (message.channel, message.recipient, message.status) == (Channel.SMS, PHONE, Status.PLANIFIE)
    assert message.mds == mds_a and message.usager == acc.usager
    assert before <= message.send_at <= timezone.now()
    assert set(message.context) <= content.ALLOWED_CONTEXT
    assert message.context["mds_nom"] == mds_a.nom
    assert message.context["debut"].startswith("2026-03-10T10:00")


def test_service_uses_email_when_that_is_the_channel(mds_a, mediateur):
    usager = _usager(mds_a, canal_contact="email", email="personne@example.org", langue="en")
    message = envoyer_recapitulatif(accompagnement=_acc(mds_a, mediateur, usager))
    assert (message.channel, message.recipient, message.language) == (Channel.EMAIL, "personne@example.org", "en")
    assert message.context["texte"].startswith(MESSAGE_PARTS["en"][0])


def test_second_send_is_refused_without_duplicate(mds_a, mediateur, client_for):
    acc = _acc(mds_a, mediateur, _usager(mds_a))
    envoyer_recapitulatif(accompagnement=acc)
    with pytest.raises(RecapitulatifDejaEnvoye):
        envoyer_recapitulatif(accompagnement=acc)
    # Even once sent (a row no longer replannable), the second click is refused.
    _recap_messages(acc).update(status=Status.ENVOYE, sent_at=timezone.now())
    client = client_for(mediateur)
    response = client.post(_send_url(acc), follow=True)
    assert response.status_code == 200
    assert RECAP_DEJA_ENVOYE in response.content.decode()
    assert _recap_messages(acc).count() == 1
    html = _detail(client, acc)
    assert "Envoyer le récapitulatif" not in html and "Récapitulatif envoyé" in html


def test_view_sends_once_and_then_shows_french_message(mds_a, mediateur, client_for):
    acc = _acc(mds_a, mediateur, _usager(mds_a))
    client = client_for(mediateur)
    html = _detail(client, acc)
    assert "Envoyer le récapitulatif par SMS" in html
    assert _send_url(acc) in html and "csrfmiddlewaretoken" in html
    first = client.post(_send_url(acc), follow=True)
    assert "Le récapitulatif part par SMS dans un instant." in first.content.decode()
    second = client.post(_send_url(acc), follow=True)
    assert "Le récapitulatif a déjà été envoyé." in second.content.decode()
    assert _recap_messages(acc).count() == 1


def test_a_cancelled_message_can_be_sent_again(mds_a, mediateur):
    acc = _acc(mds_a, mediateur, _usager(mds_a))
    envoyer_recapitulatif(accompagnement=acc)
    _recap_messages(acc).update(status=Status.ANNULE)
    envoyer_recapitulatif(accompagnement=acc)
    assert list(_recap_messages(acc).values_list("status", flat=True)) == [Status.PLANIFIE]


@pytest.mark.parametrize(
    "fields",
    [
        {"canal_contact": "aucun"},
        {"opt_out_le": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        {"canal_contact": "sms", "telephone": ""},
        {"canal_contact": "email", "email": ""},
    ],
    ids=["canal-aucun", "refus", "sms-sans-numero", "email-sans-adresse"],
)
def test_no_usable_contact_gets_nothing(mds_a, mediateur, client_for, fields):
    acc = _acc(mds_a, mediateur, _usager(mds_a, **fields))
    with pytest.raises(ValidationError):
        envoyer_recapitulatif(accompagnement=acc)
    client = client_for(mediateur)
    html = _detail(client, acc)
    assert "Envoyer le récapitulatif" not in html
    assert "Remettez le récapitulatif imprimé" in html or "ne souhaite pas recevoir" in html
    response = client.post(_send_url(acc), follow=True)
    assert response.status_code == 200
    assert not Message.objects.exists()


def test_anonymous_accompaniment_has_no_button(mds_a, mediateur, client_for):
    acc = log(mds_a, mediateur)
    html = _detail(client_for(mediateur), acc)
    assert "Envoyer le récapitulatif" not in html and "Accompagnement anonyme" in html
    with pytest.raises(ValidationError):
        envoyer_recapitulatif(accompagnement=acc)


@pytest.mark.parametrize("langue", ["fr", "en", "ar"])
def test_rendered_messages_name_no_organisme_demarche_nor_social(mds_a, mediateur, langue):
    motif = MotifFactory(mds=mds_a, libelle="Dossier CAF logement social")
    usager = _usager(mds_a, langue=langue, email="personne@example.org")
    debut = timezone.now() + dt.timedelta(days=3)
    RendezVous.objects.create(
        mds=mds_a, usager=usager, motif=motif, debut=debut, fin=debut + dt.timedelta(minutes=30), canal="accueil"
    )
    acc = _acc(mds_a, mediateur, usager, note="Note interne")
    message = envoyer_recapitulatif(accompagnement=acc)
    sms = sms_text(message.kind, message.language, message.context)
    mail = email(message.kind, message.language, message.context)
    forbidden = ["social", "caf", "allocations", "prime", "logement", "imposition", "motif", "note interne"]
    for rendered in (sms, mail.subject, mail.text, mail.html):
        lowered = rendered.lower()
        assert not FORBIDDEN_WORDS.search(rendered)
        for word in forbidden:
            assert word not in lowered, (word, rendered)
    # the next appointment (date and time) and the MDS address are there; the text is not cut
    day, hour = content.format_date(debut, langue)
    assert hour in sms and hour in mail.text
    assert mds_a.commune in mail.text
    assert "…" not in sms
    if langue == "fr":
        assert "Récapitulatif disponible à l'accueil" in mail.text
        assert "Apportez les documents demandés" in mail.text  # a document is still to bring


@pytest.mark.parametrize("langue", ["fr", "en", "ar"])
def test_texte_fits_the_sms_budget_with_the_longest_date(langue):
    longest = dt.datetime(2026, 9, 30, 14, 30, tzinfo=PARIS)  # mercredi 30 septembre
    texte = texte_message(language=langue, prochain_debut=longest, documents=True)
    assert len(texte) <= RECAP_MAX
    intro, _, docs, mdp = MESSAGE_PARTS[langue]
    assert texte.startswith(intro) and mdp in texte and docs in texte  # nothing dropped, nothing cut
    assert content.format_date(longest, langue)[0] in texte
    assert texte_message(language=langue) == intro + mdp


def test_cross_mds_post_is_404(mds_a, mds_b, mediateur, make_user, client_for):
    other = make_user(Role.MEDIATEUR, mds=mds_b)
    acc = _acc(mds_b, other, _usager(mds_b))
    assert client_for(mediateur).post(_send_url(acc)).status_code == 404
    assert not Message.objects.exists()


def test_permission_and_method(mds_a, mediateur, make_user, client_for):
    acc = _acc(mds_a, mediateur, _usager(mds_a))
    assert client_for(make_user(Role.ACCUEIL)).post(_send_url(acc)).status_code == 403
    assert client_for(mediateur).get(_send_url(acc)).status_code == 405
    assert not Message.objects.exists()


def test_deleted_accompaniment_cancels_the_planned_message(mds_a, mediateur):
    acc = _acc(mds_a, mediateur, _usager(mds_a))
    message = envoyer_recapitulatif(accompagnement=acc)
    assert is_relevant(message, timezone.now())
    annuler_accompagnement(accompagnement=acc, by=mediateur)
    message.refresh_from_db()
    assert not is_relevant(message, timezone.now())
