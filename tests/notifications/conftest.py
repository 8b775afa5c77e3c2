import pytest

from notifications.fake_brevo import API_KEY, FakeBrevo


@pytest.fixture
def fake_brevo(settings):
    server = FakeBrevo(timeout_sleep=1.5).start()
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.backends.sms.BrevoBackend"
    settings.NOTIFICATIONS_BREVO_API_URL = server.url
    settings.NOTIFICATIONS_BREVO_API_KEY = API_KEY
    settings.NOTIFICATIONS_PROVIDER_TIMEOUT = 0.5
    yield server
    server.stop()
