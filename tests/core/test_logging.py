import pytest
from django.urls import reverse

from core.logging import redact

pytestmark = pytest.mark.django_db

CANARY_EMAIL = "canari.zebulon@exemple-canari.fr"
CANARY_PHONE = "06 12 34 56 78"
CANARY_NAME = "Zebulonissime"


def test_redact_masks_emails_phones_and_query_strings():
    text = redact(f"GET /usagers/?q={CANARY_NAME} from {CANARY_EMAIL} tel {CANARY_PHONE}")
    assert CANARY_NAME not in text and CANARY_EMAIL not in text and "06 12" not in text


def test_canary_values_typed_in_forms_never_reach_the_logs(client, client_for, mediateur, log_output):
    client.post(reverse("account_login"), {"login": CANARY_EMAIL, "password": CANARY_NAME})
    client.post(reverse("account_reset_password"), {"email": CANARY_EMAIL})
    staff = client_for(mediateur)
    staff.get(f"/usagers/?q={CANARY_NAME}&tel={CANARY_PHONE}")
    staff.get(f"/page-inexistante/?nom={CANARY_NAME}&email={CANARY_EMAIL}")
    staff.post("/usagers/nouveau/", {"prenom": CANARY_NAME, "telephone": CANARY_PHONE, "email": CANARY_EMAIL})
    output = log_output()
    assert '"path"' in output  # requests were logged…
    for canary in (CANARY_EMAIL, CANARY_NAME, "06 12 34 56 78", "0612345678"):
        assert canary not in output  # …without any personal value
