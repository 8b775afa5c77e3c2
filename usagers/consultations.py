"""Every consultation of a named visitor is journaled (docs/securite.md, « Consultations »).

While a staff request runs, every ``Usager`` row the ORM loads (search results, appointment page,
queue, atelier session and attendance sheet, exports… — ``select_related`` included) is noted by
its primary key. After a successful response (status < 400), ``ConsultationJournalMiddleware``
writes one ``consultation`` entry per visitor shown, in **one** journal transaction and INSERT.
A visitor already journaled by the view itself (the visitor page) is not written twice, nor one
the same staff member consulted in the last ``DEDUP_MINUTES`` (an auto-refreshing queue would
otherwise write the same rows every few seconds)."""

import contextvars

from django.utils import timezone

_shown: contextvars.ContextVar[dict | None] = contextvars.ContextVar("usagers_shown", default=None)
DEDUP_MINUTES = 10


def note_loaded(pk) -> None:
    shown = _shown.get()
    if shown is not None and pk is not None:
        shown.setdefault(pk, True)


def note_journaled(pk) -> None:
    """The view journaled this visitor itself: the middleware must not add a second entry."""
    shown = _shown.get()
    if shown is not None and pk is not None:
        shown[pk] = False


def flush(user, pks) -> int:
    """One SELECT (the visitors' references, minus those this person consulted in the last
    minutes) and one journal INSERT."""
    from django.db.models import Exists, OuterRef

    from .enums import OperationJournal
    from .journal import log_consultations
    from .models import AccesJournal, Usager

    since = timezone.now() - timezone.timedelta(minutes=DEDUP_MINUTES)
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
        token = _shown.set({})
        try:
            response = self.get_response(request)
            shown = _shown.get()
        finally:
            _shown.reset(token)
        pks = [pk for pk, pending in shown.items() if pending]
        if pks and response.status_code < 400:
            flush(user, pks)
        return response
