"""Session log: append-only at database level, corrections supersede, atelier sessions."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from core.journal_integrity import enable_triggers_sql
from mediation.enums import Nature, Resultat
from mediation.models import JournalActivite, JournalDemarche, JournalEtape
from mediation.selectors import journal_courant
from mediation.services import annuler_accompagnement, corriger_accompagnement, log_atelier_seance
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db


def test_saving_an_accompaniment_writes_pseudonymous_codes_only(mds_a, mediateur):
    usager = UsagerFactory(mds=mds_a, prenom="Fatima", nom="Zerrouki")
    acc = log(mds_a, mediateur, usager=usager, items=[item(reference_dossier="13-2026-ABC")], note="Revenir lundi")
    entry = JournalActivite.objects.get(accompagnement_id=acc.pk)
    assert entry.nature == Nature.ACCOMPAGNEMENT
    assert entry.usager_reference == usager.reference
    assert entry.usager_id == usager.pk
    assert entry.duree_minutes == 30 and entry.mediateur_id == mediateur.pk
    demarche = entry.demarches.get()
    assert (demarche.organisme_code, demarche.demarche_code) == ("caf", "caf_prime_activite")
    assert demarche.thematique_code == "argent_impots"
    assert [e.etape_code for e in demarche.etapes.all()][:2] == ["identification", "navigation"]
    # No free text, name or application reference anywhere in the log rows.
    dumped = str(list(JournalActivite.objects.values())) + str(list(JournalDemarche.objects.values()))
    for secret in ("Fatima", "Zerrouki", "13-2026-ABC", "Revenir lundi"):
        assert secret not in dumped


@pytest.mark.parametrize("model", [JournalActivite, JournalDemarche, JournalEtape])
def test_log_rows_cannot_be_updated_or_deleted_even_in_sql(mds_a, mediateur, model):
    log(mds_a, mediateur)
    table = model._meta.db_table
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert model.objects.count() >= 1
    row = model.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        row.delete()


def test_correction_supersedes_and_only_current_entries_count(mds_a, mediateur):
    acc = log(mds_a, mediateur, duree=30)
    first = JournalActivite.objects.get(accompagnement_id=acc.pk)
    second = corriger_accompagnement(accompagnement=acc, by=mediateur, duree_minutes=45)
    assert second.pk != first.pk and second.remplace_id == first.pk and second.version == 2
    assert list(journal_courant().filter(accompagnement_id=acc.pk)) == [second]
    assert second.duree_minutes == 45
    # The old row is untouched.
    first.refresh_from_db()
    assert first.duree_minutes == 30
    # Same content again: no new version.
    assert corriger_accompagnement(accompagnement=acc, by=mediateur, duree_minutes=45).pk == second.pk
    # Changing the démarches supersedes too.
    third = corriger_accompagnement(
        accompagnement=acc, by=mediateur, demarches=[item("impots_declaration", resultat=Resultat.DOIT_REVENIR)]
    )
    assert third.remplace_id == second.pk
    assert third.demarches.get().demarche_code == "impots_declaration"
    assert JournalActivite.objects.filter(accompagnement_id=acc.pk).count() == 3


def test_cancellation_keeps_history_but_leaves_statistics(mds_a, mediateur):
    acc = log(mds_a, mediateur)
    acc_id = acc.pk
    annuler_accompagnement(accompagnement=acc, by=mediateur)
    assert JournalActivite.objects.filter(accompagnement_id=acc_id).count() == 2
    assert not journal_courant().filter(accompagnement_id=acc_id).exists()


def test_log_atelier_seance_is_idempotent_and_supersedes(mds_a, mediateur):
    usagers = [UsagerFactory(mds=mds_a) for _ in range(3)]
    kwargs = {
        "mds": mds_a,
        "animateur": mediateur,
        "date": dt.date(2026, 3, 12),
        "debut": dt.time(14, 0),
        "duree_minutes": 90,
        "thematiques": ["email", "securite_numerique"],
        "participants": 5,
        "usager_ids": [u.pk for u in usagers],
        "seance_key": "seance-42",
    }
    first = log_atelier_seance(**kwargs)
    again = log_atelier_seance(**kwargs)
    assert again.pk == first.pk
    assert JournalActivite.objects.filter(seance_key="seance-42").count() == 1
    assert first.nature == Nature.ATELIER_COLLECTIF and first.participants == 5
    assert sorted(first.usager_ids) == sorted(u.pk for u in usagers)
    assert sorted(first.demarches.values_list("thematique_code", flat=True)) == ["email", "securite_numerique"]
    kwargs.update(participants=4, usager_ids=[usagers[0].pk])
    changed = log_atelier_seance(**kwargs)
    assert changed.remplace_id == first.pk and changed.participants == 4
    assert list(journal_courant().filter(seance_key="seance-42")) == [changed]
    usagers[0].refresh_from_db()
    assert usagers[0].last_contact_at is not None


def test_individual_atelier_kind(mds_a, mediateur):
    u = UsagerFactory(mds=mds_a)
    entry = log_atelier_seance(
        mds=mds_a,
        animateur=mediateur,
        date=dt.date(2026, 3, 12),
        debut=None,
        duree_minutes=60,
        thematiques=["email"],
        participants=1,
        usager_ids=[u.pk],
        seance_key="indiv-1",
    )
    assert entry.nature == Nature.ATELIER_INDIVIDUEL and entry.usager_id == u.pk


TRANSACTIONAL = pytest.mark.django_db(transaction=True)


def _logged(mds, user, n=3):
    from mediation import sceau

    entries = [JournalActivite.objects.get(accompagnement_id=log(mds, user).pk) for _ in range(n)]
    assert sceau.verify().ok and sceau.verify().checked == n
    return entries


@TRANSACTIONAL
def test_verifier_detects_an_edited_step_of_the_session_log(mds_a, mediateur):
    from mediation import sceau
    from tests.journal_helpers import tamper

    entries = _logged(mds_a, mediateur)
    etape = JournalEtape.objects.filter(demarche__activite=entries[1]).first()
    tamper("mediation_journaletape", "UPDATE mediation_journaletape SET posture = 'autonome' WHERE id = %s", [etape.pk])
    result = sceau.verify()
    assert result.broken_id == entries[1].pk and "modifiée" in result.reason


@TRANSACTIONAL
@pytest.mark.parametrize("which", ["middle", "first"])
def test_verifier_detects_deleted_activities_with_their_seals(mds_a, mediateur, which):
    from mediation import sceau
    from tests.journal_helpers import owner_cursor

    entries = _logged(mds_a, mediateur)
    victim = entries[1] if which == "middle" else entries[0]
    with owner_cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # superuser: skips FKs and ORIGIN triggers
        for table in ("mediation_journaletape", "mediation_journaldemarche", "mediation_journalactivite"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE mediation_sceaujournal DISABLE TRIGGER USER")
        cursor.execute(
            "DELETE FROM mediation_journaletape WHERE demarche_id IN "
            "(SELECT id FROM mediation_journaldemarche WHERE activite_id = %s)",
            [victim.pk],
        )
        cursor.execute("DELETE FROM mediation_journaldemarche WHERE activite_id = %s", [victim.pk])
        cursor.execute("DELETE FROM mediation_journalactivite WHERE id = %s", [victim.pk])
        cursor.execute("DELETE FROM mediation_sceaujournal WHERE activite_id = %s", [victim.pk])
        for table in ("mediation_journaletape", "mediation_journaldemarche", "mediation_journalactivite"):
            cursor.execute(enable_triggers_sql(table))
        cursor.execute(enable_triggers_sql("mediation_sceaujournal"))
    result = sceau.verify()
    assert not result.ok and "supprimés" in result.reason


@TRANSACTIONAL
def test_verifier_detects_a_truncated_session_log(mds_a, mediateur):
    from mediation import sceau
    from tests.journal_helpers import owner_cursor

    _logged(mds_a, mediateur)
    sceau.checkpoint()
    tables = "mediation_journaletape, mediation_journaldemarche, mediation_journalactivite, mediation_sceaujournal"
    with owner_cursor() as cursor:
        for table in tables.split(", "):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"TRUNCATE {tables} CASCADE")
        for table in tables.split(", "):
            cursor.execute(enable_triggers_sql(table))
    result = sceau.verify()
    assert not result.ok and "troncature" in result.reason


@TRANSACTIONAL
def test_verifier_command_reports_both_journals(mds_a, mediateur, capsys):
    from django.core.management import CommandError, call_command

    from tests.journal_helpers import tamper

    entries = _logged(mds_a, mediateur)
    call_command("verifier_journal", "--point-de-controle")
    out = capsys.readouterr().out
    assert "Journal des accès intègre" in out and "Journal de séance intègre : 3 entrée(s)" in out
    tamper(
        "mediation_journalactivite",
        "UPDATE mediation_journalactivite SET duree_minutes = 5 WHERE id = %s",
        [entries[2].pk],
    )
    with pytest.raises(CommandError, match="Journal de séance altéré"):
        call_command("verifier_journal")
