from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.content import (
    BUDGET,
    FORBIDDEN_WORDS,
    LANGUAGES,
    LINK_MAX,
    RECAP_MAX,
    UnsafeContent,
    check_context,
    email,
    sms_text,
)
from notifications.sms import measure
from tests.notifications.kinds import Kind

PARIS = ZoneInfo("Europe/Paris")
# Longest values the MDS model accepts (nom 120, adresse 255 + CP + commune 80) with characters
# outside GSM-7 to make sure folding keeps French/English in GSM-7.
LONG_NAME = ("Maison départementale de la solidarité de Marseille Saint-Barthélemy Bêta Côte Œuvre " * 3)[:120]
LONG_ADDRESS = ("Bâtiment B, 12 boulevard de la Libération-Général-de-Monsabert " * 5)[:255] + ", 13001 " + "M" * 80
WORST = {
    "debut": datetime(2026, 9, 30, 23, 45, tzinfo=PARIS).isoformat(),  # "mercredi 30 septembre", "23h45"
    "mds_nom": LONG_NAME,
    "mds_adresse": LONG_ADDRESS,
    "mds_telephone": "04 13 31 13 13",
    "lien": "https://mds13.fr/b/" + "x" * (LINK_MAX - len("https://mds13.fr/b/")),
    "texte": "Documents à apporter : pièce d'identité, justificatif de domicile, avis d'imposition. " * 3,
    "ticket": "A-123",
    "guichet": "Bureau 12, rez-de-chaussée",  # longer than an SMS keeps
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", Kind.values)
def test_every_sms_fits_the_budget(kind, language):
    text = sms_text(kind, language, WORST)
    result = measure(text)
    single, recap = BUDGET[language]
    assert result.segments <= (recap if kind == Kind.RECAPITULATIF else single), (text, result)
    if language in ("fr", "en"):
        assert result.encoding == "gsm7", text
    # The essentials are there.
    if kind == Kind.TICKET_APPELE:  # the ticket and the desk, nothing else (no place, no link)
        assert "A-123" in text and "Bureau 12" in text and WORST["lien"] not in text
    elif kind != Kind.RECAPITULATIF:
        assert "23" in text and "45" in text
    if kind not in (Kind.ANNULATION_RDV, Kind.ATELIER_ANNULE, Kind.RECAPITULATIF, Kind.TICKET_APPELE):
        assert WORST["lien"] in text
    assert not FORBIDDEN_WORDS.search(text.replace(WORST["lien"], ""))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", Kind.values)
def test_every_email_renders_with_full_place(kind, language):
    rendered = email(kind, language, WORST)
    if kind != Kind.TICKET_APPELE:  # the ticket SMS names no place (the visitor is in the waiting room)
        assert " ".join(LONG_NAME.split()) in rendered.text  # not shortened in e-mails
    assert rendered.subject and rendered.html.startswith("<!DOCTYPE html>")
    if language == "ar":
        assert 'dir="rtl"' in rendered.html
    assert not FORBIDDEN_WORDS.search(rendered.subject + rendered.text.replace(WORST["lien"], ""))


def test_date_and_time_are_local_and_translated():
    context = {**WORST, "debut": "2026-11-24T13:30:00+00:00", "mds_nom": "MDS Nord", "mds_adresse": "1 rue A"}
    assert "mardi 24 novembre à 14h30" in sms_text(Kind.RAPPEL_RDV_J2, "fr", context)
    assert "Tuesday 24 November at 14:30" in sms_text(Kind.RAPPEL_RDV_J2, "en", context)
    assert "الثلاثاء 24 نوفمبر" in sms_text(Kind.RAPPEL_RDV_J2, "ar", context)
    assert "MDS Nord, 1 rue A" in sms_text(Kind.RAPPEL_RDV_J2, "fr", context)


def test_unknown_language_falls_back_to_french():
    assert sms_text(Kind.CONFIRMATION_RDV, "tr", WORST).startswith("Votre rendez-vous")


def test_cancel_hint_without_link_uses_phone_then_desk():
    context = {**WORST, "lien": ""}
    assert "appelez le 04 13 31 13 13" in sms_text(Kind.RAPPEL_RDV_J2, "fr", context)
    assert "prévenez l'accueil" in sms_text(Kind.RAPPEL_RDV_J2, "fr", {**context, "mds_telephone": ""})


@pytest.mark.parametrize("key", ["motif", "organisme", "demarche", "nom", "telephone"])
def test_context_is_a_closed_list(key):
    with pytest.raises(UnsafeContent):
        check_context({key: "x"})


@pytest.mark.parametrize("value", ["Aide sociale", "CAF démarche RSA", "Motif : logement", "ORGANISME"])
def test_forbidden_words_refused_in_values(value):
    with pytest.raises(UnsafeContent):
        check_context({"texte": value})


def test_recap_text_is_capped_in_sms():
    text = sms_text(Kind.RECAPITULATIF, "fr", {**WORST, "texte": "a" * 1000})
    assert "a" * RECAP_MAX not in text and "a" * (RECAP_MAX - 1) in text
