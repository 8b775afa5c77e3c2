"""The « Envoyer le récapitulatif » button in a real browser: axe before and after sending."""

import pytest

from mediation.notifications import Kind
from mediation.services import charger_referentiels
from notifications.models import Message
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.e2e


def test_send_recap_button_passes_axe(page, login, axe, mds_a, mediateur):
    charger_referentiels()
    usager = UsagerFactory(mds=mds_a, canal_contact="sms", telephone="+33612345678")
    acc = log(mds_a, mediateur, usager=usager, items=[item()])
    login(page, mediateur)
    page.goto(f"/mediation/accompagnements/{acc.pk}/")
    button = page.get_by_role("button", name="Envoyer le récapitulatif par SMS")
    button.wait_for()
    axe(page, "mediation-detail-envoi-recap")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Le récapitulatif part par SMS dans un instant.").wait_for()
    axe(page, "mediation-detail-recap-envoye")
    assert page.get_by_role("button", name="Envoyer le récapitulatif par SMS").count() == 0
    assert Message.objects.filter(kind=Kind.RECAPITULATIF, object_id=acc.pk).count() == 1
    assert page.third_party_requests == []
