import hmac
import json
import logging

from django.http import HttpResponseForbidden, HttpResponseNotFound, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import conf
from .enums import Delivery
from .models import Message

logger = logging.getLogger(__name__)

# Brevo's SMS delivery events (``event`` / ``msg_status``) → what the desk shows.
DELIVERED = {"delivered"}
NOT_DELIVERED = {"hardbounce", "hard_bounce", "softbounce", "soft_bounce", "rejected", "blacklisted", "error"}


def _authorized(request) -> bool:
    secret = conf.get("NOTIFICATIONS_WEBHOOK_SECRET")
    if not secret:
        return False
    given = request.headers.get("X-Webhook-Secret", "")
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        given = given or auth.removeprefix("Bearer ")
    return hmac.compare_digest(given.encode(), secret.encode())


@csrf_exempt
@require_POST
def delivery_receipt(request):
    """Delivery reports of the SMS provider. Authenticated by the shared secret
    (``X-Webhook-Secret`` header or ``Authorization: Bearer``). Stores only the delivery status:
    the phone number in the report is not kept."""
    if not conf.get("NOTIFICATIONS_WEBHOOK_SECRET"):
        return HttpResponseNotFound()
    if not _authorized(request):
        return HttpResponseForbidden()
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "json invalide"}, status=400)
    events = payload if isinstance(payload, list) else [payload]
    updated = 0
    for event in events:
        if not isinstance(event, dict):
            continue
        provider_id = str(event.get("messageId") or event.get("message_id") or "")
        status = str(event.get("event") or event.get("msg_status") or "").lower().replace(" ", "")
        if not provider_id:
            continue
        if status in DELIVERED:
            updated += Message.objects.filter(provider_message_id=provider_id).update(
                delivery=Delivery.LIVRE, delivered_at=timezone.now()
            )
        elif status in NOT_DELIVERED:
            updated += Message.objects.filter(provider_message_id=provider_id).update(delivery=Delivery.NON_LIVRE)
    return JsonResponse({"updated": updated})
