"""Query-count bounds of the desk pages, and fuzzing of every form (no 500, nothing saved wrongly)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from core.roles import Role
from mediation.enums import Etape, Posture, Resultat
from mediation.forms import (
    AccompagnementForm,
    CorrectionForm,
    OrientationForm,
    PartenaireForm,
    RevueForm,
    StatutOrientationForm,
)
from mediation.models import Accompagnement, JournalActivite, Revue
from mediation.services import orienter
from tests.mediation.factories import PartenaireFactory, demarche, item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def busy_mds(mds_a, make_user):
    """25 sittings with review entries and 25 hand-offs in MDS A."""
    tuteur = make_user(Role.TUTEUR)
    stagiaire = make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur)
    ts = make_user(Role.TRAVAILLEUR_SOCIAL)
    for n in range(25):
        usager = UsagerFactory(mds=mds_a)
        log(
            mds_a,
            stagiaire,
            usager=usager,
            date=dt.date(2026, 3, 1) + dt.timedelta(days=n % 20),
            items=[item(postures={"saisie": "a_la_place"}), item("impots_declaration", resultat=Resultat.DOIT_REVENIR)],
        )
        orienter(mds=mds_a, emetteur=stagiaire, sens="vers_travailleur_social", usager=usager, note=f"n{n}")
        PartenaireFactory(mds=mds_a)
    return {"tuteur": tuteur, "stagiaire": stagiaire, "ts": ts, "usager": usager}


def test_desk_pages_have_bounded_queries(busy_mds, client_for, django_assert_max_num_queries):
    acc = Accompagnement.objects.order_by("-pk").first()
    pages = [
        (busy_mds["stagiaire"], reverse("mediation:commencer") + f"?usager={busy_mds['usager'].pk}", 20),
        (busy_mds["stagiaire"], reverse("mediation:detail", kwargs={"pk": acc.pk}), 20),
        (busy_mds["stagiaire"], reverse("mediation:recapitulatif", kwargs={"pk": acc.pk}), 16),
        (busy_mds["tuteur"], reverse("mediation:revue"), 16),
        (busy_mds["ts"], reverse("mediation:orientations"), 14),
        (busy_mds["stagiaire"], reverse("mediation:orientations") + "?onglet=envoyees", 14),
        (busy_mds["stagiaire"], reverse("mediation:partenaires"), 12),
    ]
    for user, url, limit in pages:
        client = client_for(user)
        client.get(url)  # warm the session
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
    assert Revue.objects.count() == 25


def test_save_request_has_bounded_queries(mds_a, mediateur, client_for, django_assert_max_num_queries):
    from tests.mediation.test_logging_screen import post_data

    client = client_for(mediateur)
    usager = UsagerFactory(mds=mds_a)
    data = post_data(usager)
    data["bloc"] = ["d1", "d2"]
    d2 = demarche("aide_email")
    data.update({"d2-demarche": str(d2.pk), "d2-etape": d2.etapes_defaut, "d2-resultat": "finalisee"})
    for code in d2.etapes_defaut:
        data[f"d2-posture-{code}"] = "faire_faire"
    with django_assert_max_num_queries(60):
        assert client.post(reverse("mediation:commencer"), data).status_code == 302


# ---------------------------------------------------------------------------------------------
# Fuzzing: forms alone (hypothesis from_form) and the whole logging POST through the view.


ENGLISH_DEFAULTS = re.compile(r"This field|Enter a|Ensure this|Select a valid|is not a valid", re.IGNORECASE)


def assert_decided_in_french(form) -> bool:
    """The property every fuzzed form holds: it is either valid with no error, or invalid with
    only non-empty French messages (never Django's English defaults, never a crash)."""
    valid = form.is_valid()
    assert valid == (not form.errors)
    if not valid:
        messages = [m for field_messages in form.errors.values() for m in field_messages]
        assert messages and all(isinstance(m, str) and m.strip() for m in messages), messages
        assert not any(ENGLISH_DEFAULTS.search(m) for m in messages), messages
    return valid


@FUZZ
@given(form=from_form(AccompagnementForm))
def test_fuzz_accompagnement_form(form):
    if assert_decided_in_french(form):
        assert len(form.cleaned_data.get("note") or "") <= 500
        assert form.cleaned_data["duree"] or form.cleaned_data.get("duree_autre")


@FUZZ
@given(form=from_form(CorrectionForm))
def test_fuzz_correction_form(form):
    assert_decided_in_french(form)


@FUZZ
@given(form=from_form(RevueForm))
def test_fuzz_revue_form(form):
    assert_decided_in_french(form)


@FUZZ
@given(form=from_form(StatutOrientationForm))
def test_fuzz_statut_form(form):
    assert_decided_in_french(form)


@FUZZ
@given(form=from_form(PartenaireForm))
def test_fuzz_partenaire_form(form):
    assert_decided_in_french(form)


@FUZZ
@given(
    sens=st.sampled_from(["vers_mediation", "vers_travailleur_social", "vers_partenaire", "x", ""]),
    note=st.text(max_size=400),
    creneau=st.one_of(st.text(max_size=20), st.just("2026-03-12T14:00")),
)
def test_fuzz_orientation_form(mds_a, sens, note, creneau):
    form = OrientationForm({"sens": sens, "note": note, "creneau_souhaite": creneau}, mds=mds_a)
    valid = assert_decided_in_french(form)
    # No partner was given: a hand-off to a partner, or an unknown direction, is never accepted.
    if sens in ("vers_partenaire", "x", ""):
        assert not valid
    if valid:
        assert form.cleaned_data["sens"] in ("vers_mediation", "vers_travailleur_social")


text_or_code = st.one_of(
    st.text(max_size=30),
    st.sampled_from(Etape.values + Posture.values + Resultat.values + ["", "autre", "30", "-1", "9999"]),
)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "cle",
                "usager",
                "source",
                "date",
                "debut",
                "duree",
                "duree_autre",
                "type_lieu",
                "materiel",
                "note",
                "bloc",
                "d1-demarche",
                "d1-etape",
                "d1-resultat",
                "d1-consentement",
                "d1-reference",
                "d1-piece",
                "d1-piece-fournie",
                "d1-orienter",
                "d1-destinataire",
                "d1-partenaire",
                "d1-orientation-note",
                "d1-suite",
                "d1-posture-saisie",
                "d1-posture-validation_envoi",
            ]
        ),
        st.lists(text_or_code, min_size=1, max_size=3),
        max_size=25,
    ),
    with_block=st.booleans(),
)
def test_fuzz_logging_post_never_500(mds_a, mediateur, fields, with_block):
    """The view itself (RequestFactory, no middleware round-trip, to stay fast): no 500, and a
    saved accompaniment always has exactly one session-log entry."""
    from django.test import RequestFactory

    from mediation.views import commencer

    data = {k: [v.replace("\x00", "") for v in vs] for k, vs in fields.items()}
    if with_block:
        data.setdefault("bloc", ["d1"])
        data.setdefault("d1-demarche", [str(demarche().pk)])
    before = Accompagnement.objects.count()
    request = RequestFactory().post(reverse("mediation:commencer"), data)
    request.user, request.mds, request.htmx = mediateur, mds_a, True  # the path browsers use
    request.csp_nonce = "test"
    response = commencer(request)
    assert response.status_code in (200, 204)
    if response.status_code == 204:
        assert Accompagnement.objects.count() == before + 1
        assert JournalActivite.objects.count() == Accompagnement.objects.count()
