import pytest
from django.core.exceptions import ValidationError

from tests.usagers.factories import UsagerFactory
from usagers import conf, parsing, selectors, services
from usagers.models import AccesJournal, Usager

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "prenom,nom,expected",
    [("Hélène", "Durand-Éluard", "helene durand eluard"), ("  ", "N'Diaye", "n diaye"), ("", "", "")],
)
def test_search_key(prenom, nom, expected):
    assert parsing.search_key(prenom, nom) == expected


def test_suggest_reference_is_unique_in_the_mds(mds_a, monkeypatch):
    UsagerFactory(mds=mds_a, reference="AAA-2222")
    suffixes = iter(["2222", "2222", "3333"])
    monkeypatch.setattr(selectors, "new_reference_suffix", lambda length=4: next(suffixes))
    assert selectors.suggest_reference(mds=mds_a) == "AAA-3333"


def test_reference_unique_per_mds_only(mds_a, mds_b, mediateur):
    services.create_usager(mds=mds_a, user=mediateur, reference="SAME-1")
    services.create_usager(mds=mds_b, user=mediateur, reference="SAME-1")
    with pytest.raises(ValidationError):
        services.create_usager(mds=mds_a, user=mediateur, reference="SAME-1")


def test_create_refuses_secrets_and_bad_formats(mds_a, mediateur):
    with pytest.raises(ValidationError) as error:
        services.create_usager(mds=mds_a, user=mediateur, reference="aaa 1", note="code PIN 1234", commune_insee="13")
    assert set(error.value.message_dict) == {"reference", "note", "commune_insee"}
    assert not Usager.objects.exists() and not AccesJournal.objects.exists()


def test_find_duplicates(mds_a, mds_b, mediateur):
    same_name = services.create_usager(mds=mds_a, user=mediateur, reference="A-1", prenom="Éva", nom="Roux")
    same_phone = services.create_usager(mds=mds_a, user=mediateur, reference="A-2", telephone="+33612121212")
    services.create_usager(mds=mds_b, user=mediateur, reference="B-1", prenom="Eva", nom="Roux")
    assert list(selectors.find_duplicates(mds=mds_a, prenom="eva", nom="ROUX")) == [same_name]
    assert list(selectors.find_duplicates(mds=mds_a, telephone="+33612121212")) == [same_phone]
    assert list(selectors.find_duplicates(mds=mds_a, prenom="Eva", nom="")) == []
    assert list(selectors.find_duplicates(mds=mds_a, prenom="Eva", nom="Roux", exclude_pk=same_name.pk)) == []


def test_opt_out_timestamp_follows_channel(mds_a, mediateur):
    usager = services.create_usager(
        mds=mds_a, user=mediateur, reference="A-3", telephone="+33612121212", canal_contact="sms"
    )
    assert usager.opt_out_le is None
    services.update_usager(usager=usager, user=mediateur, canal_contact="aucun")
    assert usager.opt_out_le is not None
    services.update_usager(usager=usager, user=mediateur, canal_contact="sms")
    assert usager.opt_out_le is None


def test_anonymized_record_cannot_be_updated(mds_a, mediateur):
    usager = services.create_usager(mds=mds_a, user=mediateur, reference="A-4", prenom="Lou")
    assert services.anonymize_usager(usager=usager, user=mediateur)
    usager.refresh_from_db()
    with pytest.raises(ValueError):
        services.update_usager(usager=usager, user=mediateur, prenom="Lou")
    assert selectors.search(Usager.objects.all(), "lou").count() == 0


def test_retention_setting_from_environment(monkeypatch, settings):
    if hasattr(settings, "USAGERS_RETENTION_MONTHS"):
        del settings.USAGERS_RETENTION_MONTHS
    monkeypatch.setenv("USAGERS_RETENTION_MONTHS", "18")
    assert conf.retention_months() == 18
    monkeypatch.delenv("USAGERS_RETENTION_MONTHS")
    assert conf.retention_months() == 24
    assert conf.journal_retention_months() == 12
