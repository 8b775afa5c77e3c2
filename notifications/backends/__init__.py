"""Provider adapters. Each ``send`` returns the provider's message id or raises one of:

- ``TransientError``: worth retrying later (network, timeout, 5xx, 429, SMTP 4xx);
- ``PermanentError``: retrying cannot help (invalid number or address, refused content).
"""

from django.utils.module_loading import import_string

from notifications import conf


class SendError(Exception):
    pass


class TransientError(SendError):
    pass


class PermanentError(SendError):
    pass


def get_sms_backend():
    return import_string(conf.get("NOTIFICATIONS_SMS_BACKEND"))()
