import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tests.journal_helpers import tamper
from tests.usagers.factories import UsagerFactory
from usagers import journal
from usagers.enums import OperationJournal
from usagers.models import AccesJournal

pytestmark = pytest.mark.django_db


def _entries(mds, user, n=5):
    usager = UsagerFactory(mds=mds)
    return [
        journal.log_access(user=user, mds=mds, operation=OperationJournal.CONSULTATION, usager=usager) for _ in range(n)
    ]


def test_entries_are_chained(mds_a, mediateur):
    entries = _entries(mds_a, mediateur)
    assert entries[0].hash_precedent == ""
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.hash_precedent == previous.hash
        assert entry.hash == entry.compute_hash()
    assert journal.verify_chain().ok
    assert journal.verify_chain().checked == 5


def test_unknown_operation_is_refused(mds_a, mediateur):
    with pytest.raises(ValueError):
        journal.log_access(user=mediateur, mds=mds_a, operation="lecture_libre", reference="X")


def test_raw_sql_update_fails(mds_a, mediateur):
    entry = _entries(mds_a, mediateur, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE usagers_accesjournal SET reference = 'X' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AccesJournal.objects.filter(pk=entry.pk).update(operation="export")
    assert AccesJournal.objects.get(pk=entry.pk).reference == entry.reference


def test_raw_sql_delete_fails(mds_a, mediateur):
    entry = _entries(mds_a, mediateur, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM usagers_accesjournal WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AccesJournal.objects.filter(pk=entry.pk).exists()


def _tamper(sql, params=()):
    tamper("usagers_accesjournal", sql, params)


TRANSACTIONAL = pytest.mark.django_db(transaction=True)


@TRANSACTIONAL
def test_verifier_detects_modified_row(mds_a, mediateur, capsys):
    entries = _entries(mds_a, mediateur)
    call_command("verifier_journal")
    assert "5 entrée(s)" in capsys.readouterr().out
    _tamper("UPDATE usagers_accesjournal SET operation = 'export' WHERE id = %s", [entries[2].pk])
    result = journal.verify_chain()
    assert result.broken_id == entries[2].pk and "modifié" in result.reason
    with pytest.raises(CommandError, match=f"n° {entries[2].pk}"):
        call_command("verifier_journal")


@TRANSACTIONAL
def test_verifier_detects_deleted_row(mds_a, mediateur):
    entries = _entries(mds_a, mediateur)
    _tamper("DELETE FROM usagers_accesjournal WHERE id = %s", [entries[3].pk])
    result = journal.verify_chain()
    assert result.broken_id == entries[4].pk and "supprimées" in result.reason


@TRANSACTIONAL
def test_verifier_detects_deletion_of_the_oldest_rows(mds_a, mediateur):
    entries = _entries(mds_a, mediateur)
    _tamper("DELETE FROM usagers_accesjournal WHERE id IN (%s, %s)", [entries[0].pk, entries[1].pk])
    result = journal.verify_chain()
    assert not result.ok and result.broken_id == entries[2].pk
    assert "n° 1 à 2 supprimées" in result.reason


@TRANSACTIONAL
def test_verifier_detects_truncation_and_loss_of_the_last_rows(mds_a, mediateur):
    entries = _entries(mds_a, mediateur)
    journal.checkpoint()
    _tamper("DELETE FROM usagers_accesjournal WHERE id = %s", [entries[-1].pk])
    result = journal.verify_chain()
    assert not result.ok and "n° 5 à 5" in result.reason and "disparu" in result.reason
    _tamper("TRUNCATE usagers_accesjournal")
    result = journal.verify_chain()
    assert not result.ok and "n° 1 à 5" in result.reason


@TRANSACTIONAL
def test_verifier_detects_a_chain_recomputed_without_the_key(mds_a, mediateur, settings):
    """An attacker rewrites entry 2 and recomputes every hash from there on with a key of his own."""
    entries = _entries(mds_a, mediateur)
    settings.JOURNAL_HMAC_KEY = "une-clé-devinée-par-l-attaquant"
    previous = entries[0].hash
    for entry in AccesJournal.objects.filter(numero__gte=2).order_by("numero"):
        if entry.numero == 2:
            entry.reference = "AUTRE"
        entry.hash_precedent = previous
        entry.hash = entry.compute_hash()
        _tamper(
            "UPDATE usagers_accesjournal SET reference = %s, hash_precedent = %s, hash = %s WHERE id = %s",
            [entry.reference, entry.hash_precedent, entry.hash, entry.pk],
        )
        previous = entry.hash
    settings.JOURNAL_HMAC_KEY = settings.DEV_JOURNAL_HMAC_KEY
    result = journal.verify_chain()
    assert result.broken_id == entries[1].pk and "sans la clé" in result.reason


@TRANSACTIONAL
def test_verifier_detects_a_removed_checkpoint(mds_a, mediateur):
    _entries(mds_a, mediateur, 2)
    first = journal.checkpoint()
    _entries(mds_a, mediateur, 2)
    journal.checkpoint()
    tamper("core_pointdecontrole", "DELETE FROM core_pointdecontrole WHERE id = %s", [first.pk])
    result = journal.verify_chain()
    assert not result.ok and "point de contrôle" in result.reason


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_keep_the_chain_linear(mds_a, mediateur):
    usager = UsagerFactory(mds=mds_a)
    errors = []

    def worker():
        try:
            for _ in range(10):
                journal.log_access(user=mediateur, mds=mds_a, operation=OperationJournal.CONSULTATION, usager=usager)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AccesJournal.objects.count() == 40
    result = journal.verify_chain()
    assert result.ok, result
    assert AccesJournal.objects.values("hash_precedent").distinct().count() == 40


def test_purge_is_the_only_deletion_path_and_is_journaled(mds_a, mds_b, mediateur):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - timezone.timedelta(days=400)):
        old_a = _entries(mds_a, mediateur, 3)
        _entries(mds_b, mediateur, 2)
    recent = _entries(mds_a, mediateur, 2)
    from usagers.services import purge_journal

    assert purge_journal() == 5
    assert not AccesJournal.objects.filter(pk__in=[e.pk for e in old_a]).exists()
    assert AccesJournal.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    purges = {e.mds_id: e.nombre for e in AccesJournal.objects.filter(operation=OperationJournal.PURGE_JOURNAL)}
    assert purges == {mds_a.pk: 3, mds_b.pk: 2}
    result = journal.verify_chain()
    assert result.ok, result  # a legitimate purge is told apart from a deletion
    assert purge_journal() == 0  # idempotent
    # The trigger is back after the purge.
    with pytest.raises(DatabaseError), transaction.atomic():
        AccesJournal.objects.filter(pk=recent[0].pk).delete()


def test_entries_hold_no_personal_value(mds_a, mediateur, client_for):
    from django.urls import reverse

    from usagers import services

    usager = services.create_usager(
        mds=mds_a, user=mediateur, reference="AAA-PRIV", prenom="Samia", nom="Belkacem", telephone="+33612345679"
    )
    client = client_for(mediateur)
    client.get(reverse("usagers:detail", kwargs={"pk": usager.pk}))
    client.post(reverse("usagers:modifier", kwargs={"pk": usager.pk}), {"reference": "AAA-PRIV", "prenom": "Sam"})
    rows = list(AccesJournal.objects.values())
    assert [r["operation"] for r in rows] == ["modification", "consultation", "creation"]
    dump = repr(rows).lower()
    for value in ("samia", "belkacem", "sam'", "612345679"):
        assert value not in dump


def test_other_apps_can_log_by_reference(mds_a, mediateur):
    entry = journal.log_access(user=mediateur, mds=mds_a, operation=OperationJournal.EXPORT, reference="AAA-XXXX")
    assert (entry.usager_pk, entry.reference, entry.mds) == (None, "AAA-XXXX", mds_a)


def test_journal_filter_with_foreign_staff_member_is_a_form_error(mds_a, mds_b, make_user, client_for):
    from django.urls import reverse

    from core.roles import Role

    outsider = make_user(Role.MEDIATEUR, mds=mds_b)
    response = client_for(make_user(Role.DIRECTEUR)).get(reverse("usagers:journal"), {"acteur": outsider.pk})
    assert response.status_code == 200 and "acteur" in response.context["form"].errors
