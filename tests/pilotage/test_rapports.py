import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from pilotage.models import Destinataire, Rapport, StatutRapport
from tests.mediation.factories import log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
OCTOBRE = dt.date(2026, 10, 1)


@pytest.fixture
def activite(mds_a, mediateur):
    for k, usager in enumerate(UsagerFactory.create_batch(4, mds=mds_a, genre="feminin")):
        log(mds_a, mediateur, usager=usager, date=dt.date(2026, 10, 5 + k), duree=45)
    log(mds_a, mediateur, date=dt.date(2026, 9, 12), duree=30)


def run(*args):
    out = io.StringIO()
    call_command("rapport_mensuel", *args, stdout=out)
    return out.getvalue()


def test_command_produces_pdf_xlsx_csv_with_hash(activite, mds_a):
    output = run("--mois", "2026-10", "--mds", mds_a.code)
    rapport = Rapport.objects.get(mois=OCTOBRE, mds=mds_a)
    assert rapport.statut == StatutRapport.TERMINE and rapport.progression == 100
    assert rapport.empreinte in output and len(rapport.empreinte) == 64
    assert rapport.pdf.open("rb").read(5) == b"%PDF-"
    book = load_workbook(io.BytesIO(rapport.xlsx.open("rb").read()))
    assert book.sheetnames[0] == "Synthèse" and len(book.sheetnames) > 5
    csv_text = rapport.csv.open("rb").read().decode("utf-8-sig")
    assert csv_text.startswith("periode;perimetre;tableau;ligne;colonne;valeur")
    chiffres = {c["cle"]: c for c in rapport.chiffres["chiffres"]}
    assert chiffres["nb_accompagnements"]["valeur"] == 4
    assert chiffres["nb_accompagnements"]["precedent"] == 1
    # the 4 women are a count of people crossed with a band: masked everywhere
    genre = next(t for t in rapport.chiffres["tableaux"] if t["cle"] == "profil_genre")
    assert ["Féminin", "< 11"] in genre["rangees"]
    assert ";profil_genre;Féminin;Valeur (personnes);< 11" in csv_text


def test_running_twice_gives_same_figures_and_keeps_history(activite, mds_a):
    run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    first = Rapport.objects.get(mois=OCTOBRE, mds=mds_a)
    run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    second = Rapport.objects.get(pk=first.pk)
    assert second.empreinte == first.empreinte
    assert second.version == 2
    assert json.dumps(second.chiffres, sort_keys=True) == json.dumps(first.chiffres, sort_keys=True)
    (old,) = second.versions.all()
    assert old.version == 1 and old.empreinte == first.empreinte and old.pdf.name == first.pdf.name
    assert second.pdf.name != first.pdf.name


def test_new_data_changes_the_hash(activite, mds_a, mediateur):
    run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    before = Rapport.objects.get(mois=OCTOBRE, mds=mds_a).empreinte
    log(mds_a, mediateur, date=dt.date(2026, 10, 20))
    run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    assert Rapport.objects.get(mois=OCTOBRE, mds=mds_a).empreinte != before


def test_month_without_activity_says_so(mds_a):
    run("--mois", "2026-08", "--departement", "--sans-email")
    rapport = Rapport.objects.get(mois=dt.date(2026, 8, 1), mds=None)
    assert rapport.statut == StatutRapport.TERMINE and rapport.sans_activite
    text = rapport.pdf.open("rb").read()
    assert text.startswith(b"%PDF-")


@pytest.mark.parametrize("value", ["2026-13", "demain", "2999-01"])
def test_command_refuses_bad_month(value):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("--mois", value)


def test_email_contains_a_link_and_no_attachment(activite, mds_a, make_user, settings):
    settings.SITE_URL = "https://mds.example.org"
    directeur = make_user(Role.DIRECTEUR)
    Destinataire.objects.create(email="chef@departement13.fr", mds=None)
    run("--mois", "2026-10")
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert directeur.email in recipients and "chef@departement13.fr" in recipients
    for message in mail.outbox:
        assert not message.attachments
        assert "https://mds.example.org/pilotage/rapports/?mois=2026-10" in message.body
        assert "social" not in message.subject.lower()


def test_rapports_page_scoping(client_for, make_user, mds_a, mds_b, activite):
    run("--mois", "2026-10", "--sans-email")
    directeur = make_user(Role.DIRECTEUR)
    response = client_for(directeur).get(reverse("pilotage:rapports"))
    listed = {r.libelle_perimetre for r in response.context["page"].object_list}
    assert listed == {mds_a.nom}
    coord = make_user(Role.COORDINATEUR, mds=None)
    listed = {r.libelle_perimetre for r in client_for(coord).get(reverse("pilotage:rapports")).context["page"]}
    assert listed == {mds_a.nom, mds_b.nom, "Département"}
    other = Rapport.objects.get(mds=mds_b)
    client = client_for(directeur)
    assert client.get(reverse("pilotage:rapport_fichier", args=[other.pk, "pdf"])).status_code == 404
    departement = Rapport.objects.get(mds=None)
    assert client.get(reverse("pilotage:rapport_fichier", args=[departement.pk, "pdf"])).status_code == 404
    own = Rapport.objects.get(mds=mds_a)
    response = client.get(reverse("pilotage:rapport_fichier", args=[own.pk, "pdf"]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("pilotage:rapport_fichier", args=[own.pk, "pdf"]), {"version": "x"}).status_code == 404
    mediateur = make_user(Role.MEDIATEUR)
    assert client_for(mediateur).get(reverse("pilotage:rapports")).status_code == 403


def test_request_from_page_queues_and_status_polls(
    client_for, directeur, mds_a, mds_b, django_capture_on_commit_callbacks
):
    client = client_for(directeur)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("pilotage:rapport_demande"), {"mois": "2026-10", "perimetre": mds_a.code})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the production task is sent after commit
    rapport = Rapport.objects.get(mois=OCTOBRE, mds=mds_a)
    assert rapport.statut == StatutRapport.EN_ATTENTE
    status = client.get(reverse("pilotage:rapport_statut", args=[rapport.pk]))
    assert b'hx-trigger="every 2s"' in status.content and b"<progress" in status.content
    # another MDS or the Département cannot be requested by a director
    for perimetre in (mds_b.code, "departement"):
        client.post(reverse("pilotage:rapport_demande"), {"mois": "2026-10", "perimetre": perimetre})
    assert not Rapport.objects.filter(mds=mds_b).exists()
    assert not Rapport.objects.filter(mds=None).exists()
    # the current month cannot be requested (not finished)
    current = timezone.localdate().strftime("%Y-%m")
    client.post(reverse("pilotage:rapport_demande"), {"mois": current, "perimetre": mds_a.code})
    assert Rapport.objects.count() == 1


def test_pdf_cover_shows_the_version_being_produced(activite, mds_a):
    from django.test.signals import template_rendered

    versions = []

    def seen(sender, template, context, **kwargs):
        if template.name == "pilotage/rapport_pdf.html":
            versions.append((context["rapport"].version, context["mois_libelle"]))

    template_rendered.connect(seen)
    try:
        run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
        run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    finally:
        template_rendered.disconnect(seen)
    assert versions == [(1, "octobre 2026"), (2, "octobre 2026")]
    assert Rapport.objects.get(mois=OCTOBRE, mds=mds_a).version == 2


def test_xlsx_sheets_have_designed_names_frozen_headers_and_number_formats(activite, mds_a):
    from pilotage.exports import NOMS_FEUILLES

    run("--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    book = load_workbook(io.BytesIO(Rapport.objects.get(mois=OCTOBRE, mds=mds_a).xlsx.open("rb").read()))
    names = book.sheetnames[1:]
    assert all(len(n) <= 31 for n in book.sheetnames)
    assert set(names) <= set(NOMS_FEUILLES.values()) and "Démarches les plus fréquentes" in names
    sheet = book["Accompagnements par mois"]
    header = next(r for r in range(1, 6) if sheet.cell(row=r, column=1).value == "Mois")
    assert sheet.freeze_panes == f"B{header + 1}"
    numbers = [c for row in sheet.iter_rows(min_row=header + 1) for c in row[1:] if isinstance(c.value, int)]
    assert numbers and all(c.number_format == "#,##0" for c in numbers)
    assert sheet.column_dimensions["A"].width >= len("septembre 2026")


def test_chart_month_labels_are_abbreviated_not_cut():
    from pilotage import charts
    from pilotage.tableaux import Tableau

    serie = [(label, 3) for label in ("avril 2026", "octobre 2026", "novembre 2026", "juin 2026")]
    tableau = Tableau(cle="x", titre="t", entete_lignes="Mois", colonnes=["n"], lignes=[], graphique="courbe",
                      serie_graphique=serie)  # fmt: skip
    svg = str(charts.graphique(tableau, "g"))
    for label in ("avr.", "oct.", "nov.", "juin"):
        assert f">{label}</text>" in svg
    assert ">avri<" not in svg and ">octo<" not in svg


def test_a_late_correction_regenerates_every_report_of_the_month(activite, mds_a, mds_b, mediateur):
    from pilotage import services

    run("--mois", "2026-10", "--sans-email")
    reports = {r.mds_id: r for r in Rapport.objects.filter(mois=OCTOBRE)}
    assert not any(r.perime for r in reports.values())
    log(mds_a, mediateur, date=dt.date(2026, 10, 20), duree=30)  # entered in November for October
    assert Rapport.objects.get(mois=OCTOBRE, mds=mds_a).perime
    assert Rapport.objects.get(mois=OCTOBRE, mds=None).perime
    assert not Rapport.objects.get(mois=OCTOBRE, mds=mds_b).perime
    queued = services.preparer_perimes()
    assert {r.mds_id for r in queued} == {mds_a.pk, None}
    for rapport in queued:
        services.produire(rapport_id=rapport.pk, declencheur="correction", notifier=False)
    after = {r.mds_id: r for r in Rapport.objects.filter(mois=OCTOBRE).prefetch_related("versions")}
    for key in (mds_a.pk, None):
        assert after[key].version == 2 and not after[key].perime
        assert [v.version for v in after[key].versions.all()] == [1]
        figures = {c["cle"]: c["valeur"] for c in after[key].chiffres["chiffres"]}
        assert figures["nb_accompagnements"] == 5  # 4 + the late entry, in both reports
    assert after[mds_b.pk].version == 1


def test_a_change_in_another_source_regenerates_the_reports_of_its_month(activite, mds_a, mds_b, mediateur):
    """An appointment of October marked late (or a passage, a séance, an SMS, a visitor's record)
    makes October's reports of its MDS and of the Département stale, not the other MDS's."""
    from accueil.models import RendezVous
    from pilotage import perimes, services
    from tests.accueil.factories import MotifFactory, at

    rdv = RendezVous.objects.create(
        mds=mds_a, motif=MotifFactory(mds=mds_a), debut=at(dt.date(2026, 10, 14), 10),
        fin=at(dt.date(2026, 10, 14), 10, 30), canal="accueil",
    )  # fmt: skip
    run("--mois", "2026-10", "--sans-email")
    assert perimes.rapports_touches() == set()
    RendezVous.objects.filter(pk=rdv.pk).update(statut="absent", updated_at=timezone.now())
    touched = {r.mds_id for r in Rapport.objects.filter(pk__in=perimes.rapports_touches())}
    assert touched == {mds_a.pk, None}
    assert {r.mds_id for r in services.preparer_perimes()} == {mds_a.pk, None}


def test_a_deleted_passage_or_a_registration_makes_the_reports_of_its_month_stale(activite, mds_a, mds_b):
    """What no timestamp shows — a queue passage deleted (the retention purge), a walk-in participant
    added to a held séance — is noted by the database: October's reports of that MDS and of the
    Département are stale, even after a dashboard view has used the note."""
    from accueil.models import Passage
    from ateliers.models import ParticipantAnonyme
    from pilotage import perimes
    from pilotage.rollup import rafraichir
    from tests.accueil.factories import at
    from tests.ateliers.factories import SeanceFactory

    day = dt.date(2026, 10, 14)
    passage = Passage.objects.create(mds=mds_a, source="borne", jour=day, numero=1, arrivee_le=at(day, 9),
                                     statut="en_charge", attente_secondes=60)  # fmt: skip
    seance = SeanceFactory(atelier__mds=mds_b, debut=at(day, 14), statut="tenue")
    run("--mois", "2026-10", "--sans-email")
    assert perimes.rapports_touches() == set()
    Passage.objects.filter(pk=passage.pk).delete()
    rafraichir()  # a dashboard view in between processes the note; the report check still sees it
    assert {r.mds_id for r in Rapport.objects.filter(pk__in=perimes.rapports_touches())} == {mds_a.pk, None}
    ParticipantAnonyme.objects.create(mds=mds_b, seance=seance, tranche_age="non_communique",
                                      deja_accompagne=False, nombre=2)  # fmt: skip
    assert {r.mds_id for r in Rapport.objects.filter(pk__in=perimes.rapports_touches())} == {mds_a.pk, mds_b.pk, None}


def test_an_edited_visitor_record_makes_the_reports_of_their_months_stale(activite, mds_a):
    from pilotage import perimes
    from usagers.models import Usager

    run("--mois", "2026-10", "--sans-email", "--mds", mds_a.code)
    run("--mois", "2026-09", "--sans-email", "--mds", mds_a.code)
    usager = Usager.objects.filter(mds=mds_a).first()
    Usager.objects.filter(pk=usager.pk).update(genre="masculin", updated_at=timezone.now())
    touched = Rapport.objects.filter(pk__in=perimes.rapports_touches())
    assert {(r.mois, r.mds_id) for r in touched} == {(OCTOBRE, mds_a.pk)}  # September: an anonymous visit only
