"""Journal of consultations: one write per staff request (see usagers/consultations.py)."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import consultations
from .enums import OperationJournal
from .journal import log_consultations
from .models import AccesJournal, Usager


def flush(user, pks) -> int:
    """One SELECT (the visitors' references, minus those this person consulted in the last
    minutes) and one journal INSERT."""
    since = timezone.now() - timezone.timedelta(minutes=consultations.DEDUP_MINUTES)
    recent = AccesJournal.objects.filter(
        acteur=user, operation=OperationJournal.CONSULTATION, created_at__gte=since, usager_pk=OuterRef("pk")
    )
    rows = (
        Usager.objects.filter(pk__in=pks)
        .exclude(Exists(recent))
        .order_by("pk")
        .values_list("mds_id", "pk", "reference")
    )
    return len(log_consultations(user=user, shown=list(rows)))


class ConsultationJournalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        token = consultations.start()
        try:
            response = self.get_response(request)
        finally:
            pks = consultations.stop(token)
        if pks and response.status_code < 400:
            flush(user, pks)
        return response
