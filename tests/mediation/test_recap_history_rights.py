"""Récapitulatif, visitor history block, autonomy, anonymization and export."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from mediation.enums import Resultat
from mediation.history import usager_history_context
from mediation.models import JournalActivite, JournalEtape
from mediation.recap import FORBIDDEN_IN_SMS
from mediation.selectors import evolution_autonomie, progression_autonomie
from mediation.services import anonymiser_usager, exporter_usager
from tests.mediation.factories import PartenaireFactory, item, log
from tests.usagers.factories import UsagerFactory
from usagers import hooks

pytestmark = pytest.mark.django_db


def test_recapitulatif_content_and_no_secrets(mds_a, mediateur, client_for):
    PartenaireFactory(mds=mds_a, nom="EPN du quartier")
    usager = UsagerFactory(mds=mds_a)
    acc = log(
        mds_a,
        mediateur,
        usager=usager,
        items=[
            item("caf_prime_activite"),
            item(
                "logement_demande",
                resultat=Resultat.DOIT_REVENIR,
                pieces=[("Avis d'imposition", False), ("Pièce d'identité", True)],
                reference_dossier="13-2026-XYZ",
            ),
        ],
        note="Note interne sur la situation",
    )
    response = client_for(mediateur).get(reverse("mediation:recapitulatif", kwargs={"pk": acc.pk}))
    html = response.content.decode()
    assert "CAF : Prime d&#x27;activité" in html and "C&#x27;est fait" in html
    assert "Ce qu'il reste à faire" in html and "Demande de logement social" in html
    assert "Avis d&#x27;imposition" in html  # document to bring
    assert "Pièce d&#x27;identité</li>" not in html  # already provided
    assert "EPN du quartier" in html
    assert "Vos mots de passe" in html
    assert 'type="password"' not in html and "<input" not in html
    assert "Note interne" not in html
    assert "layout-print" in html
    recap = response.context["recap"]
    sms = recap["texte_court"].lower()
    for word in FORBIDDEN_IN_SMS + ("logement", "13-2026-xyz"):
        assert word not in sms
    assert "Apportez les documents" in recap["texte_court"]  # a document is still to bring


def test_history_section_is_registered_and_bounded(mds_a, mediateur, django_assert_max_num_queries):
    assert any(s.template_name == "mediation/_usager_history.html" for s in hooks.history_sections)
    assert anonymiser_usager in hooks.anonymizers and exporter_usager in hooks.exporters
    usager = UsagerFactory(mds=mds_a)
    for day in range(1, 13):
        log(mds_a, mediateur, usager=usager, date=dt.date(2026, 1, day), items=[item(), item("impots_declaration")])
    request = RequestFactory().get("/")
    request.user = mediateur
    with django_assert_max_num_queries(8):
        context = usager_history_context(request, usager)
    assert len(context["accompagnements"]) == 10
    assert len(context["progression"]) == 12
    from django.template.loader import render_to_string

    html = render_to_string("mediation/_usager_history.html", context)
    assert "Progression de l'autonomie" in html and "<svg" in html


def test_progression_autonomie_per_sitting(mds_a, mediateur):
    usager = UsagerFactory(mds=mds_a)
    all_avec = item("caf_prime_activite")
    log(mds_a, mediateur, usager=usager, date=dt.date(2026, 1, 5), items=[all_avec])
    autonomous = item("caf_prime_activite", postures=dict.fromkeys(all_avec.demarche.etapes_defaut, "autonome"))
    log(mds_a, mediateur, usager=usager, date=dt.date(2026, 2, 5), items=[autonomous])
    rows = progression_autonomie(usager=usager)
    assert [r["part_autonomie"] for r in rows] == [0, 100]
    assert rows[0]["shares"]["avec"] == 100


def test_evolution_autonomie_for_directors_on_known_data(mds_a, mds_b, mediateur):
    steps = ["identification", "navigation", "saisie", "validation_envoi"]

    def sitting(usager, day, postures, mds=mds_a):
        i = item("caf_prime_activite")
        i.etapes = list(zip(steps, postures, strict=True))
        log(mds, mediateur, usager=usager, date=dt.date(2026, 3, day), items=[i])

    u1, u2, u3 = (UsagerFactory(mds=mds_a) for _ in range(3))
    sitting(u1, 1, ["avec", "avec", "avec", "avec"])  # 0 %
    sitting(u1, 10, ["faire_faire", "faire_faire", "avec", "avec"])  # 50 % (middle, ignored)
    sitting(u1, 20, ["autonome", "autonome", "faire_faire", "avec"])  # 75 %
    sitting(u2, 2, ["faire_faire", "faire_faire", "avec", "avec"])  # 50 %
    sitting(u2, 25, ["faire_faire", "faire_faire", "avec", "avec"])  # 50 %
    sitting(u3, 3, ["autonome"] * 4)  # single sitting: not a returning visitor
    result = evolution_autonomie(mds=mds_a, debut=dt.date(2026, 3, 1), fin=dt.date(2026, 3, 31))
    assert result["usagers"] == 2
    assert result["part_premiere"] == 25.0  # (0 + 2) / 8
    assert result["part_derniere"] == 62.5  # (3 + 2) / 8
    assert result["evolution"] == 37.5 and result["usagers_en_progres"] == 1
    # Other period / other MDS: nothing.
    assert evolution_autonomie(mds=mds_b, debut=dt.date(2026, 3, 1), fin=dt.date(2026, 3, 31))["usagers"] == 0
    # Anonymizing visitors does not change it (it reads the session log).
    anonymiser_usager(u1)
    again = evolution_autonomie(mds=mds_a, debut=dt.date(2026, 3, 1), fin=dt.date(2026, 3, 31))
    assert again == result


def test_anonymizer_blanks_notes_and_references_not_statistics(mds_a, mediateur):
    usager = UsagerFactory(mds=mds_a)
    acc = log(mds_a, mediateur, usager=usager, items=[item(reference_dossier="REF-42")], note="Revient lundi")
    before = (JournalActivite.objects.count(), JournalEtape.objects.count())
    anonymiser_usager(usager)
    acc.refresh_from_db()
    assert acc.note == "" and acc.demarches.get().reference_dossier == ""
    assert (JournalActivite.objects.count(), JournalEtape.objects.count()) == before


def test_exporter_includes_notes_and_references(mds_a, mediateur):
    usager = UsagerFactory(mds=mds_a)
    log(mds_a, mediateur, usager=usager, items=[item(reference_dossier="REF-42")], note="Revient lundi")
    title, data = exporter_usager(usager)
    assert title == "Médiation numérique"
    acc = data["accompagnements"][0]
    assert acc["note"] == "Revient lundi" and acc["demarches"][0]["reference_dossier"] == "REF-42"
    import json

    json.dumps(data)
