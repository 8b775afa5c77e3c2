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


@pytest.fixture
def sms_file(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.backends.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(path)

    def read():
        import json

        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return read
