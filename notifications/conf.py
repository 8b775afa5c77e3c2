"""Settings of the notifications app. Each value can be set in Django settings (``NOTIFICATIONS_*``)
or in the environment (same name); the defaults suit the embedded mode (SMS printed on the console)."""

import environ
from django.conf import settings

_env = environ.Env()

DEFAULTS = {
    # "notifications.backends.sms.ConsoleBackend" | "...FileBackend" | "...BrevoBackend"
    "NOTIFICATIONS_SMS_BACKEND": ("str", "notifications.backends.sms.ConsoleBackend"),
    "NOTIFICATIONS_SMS_FILE_PATH": ("str", ".data/sms/sms.jsonl"),
    "NOTIFICATIONS_SMS_SENDER": ("str", "MDS13"),  # alphanumeric sender, ≤ 11 characters
    "NOTIFICATIONS_BREVO_API_URL": ("str", "https://api.brevo.com/v3"),
    "NOTIFICATIONS_BREVO_API_KEY": ("str", ""),
    "NOTIFICATIONS_BREVO_WEBHOOK_URL": ("str", ""),  # delivery reports URL given to Brevo (webUrl)
    "NOTIFICATIONS_WEBHOOK_SECRET": ("str", ""),  # shared secret of the delivery-report webhook
    "NOTIFICATIONS_PROVIDER_TIMEOUT": ("float", 10.0),  # seconds, per provider call
    "NOTIFICATIONS_DISPATCH_QUEUE": ("str", ""),  # Celery queue of the dispatcher kick ("" = default)
    "NOTIFICATIONS_BATCH_SIZE": ("int", 50),
    "NOTIFICATIONS_RUN_BUDGET": ("float", 45.0),  # seconds a dispatcher run may spend sending
}


def get(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    kind, default = DEFAULTS[name]
    return getattr(_env, kind)(name, default=default)
