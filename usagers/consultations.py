"""Every consultation of a named visitor is journaled (docs/securite.md, « Consultations »).

While a staff request runs, every ``Usager`` row the ORM loads (search results, appointment page,
queue, atelier session and attendance sheet, exports… — ``select_related`` included) is noted by
its primary key. After a successful response (status < 400),
``usagers.middleware.ConsultationJournalMiddleware`` writes one ``consultation`` entry per
visitor shown, in **one** journal transaction and INSERT. A visitor already journaled by the view
itself (the visitor page) is not written twice, nor one the same staff member consulted in the
last ``DEDUP_MINUTES`` (an auto-refreshing queue would otherwise write the same rows every few
seconds)."""

import contextvars

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


def start():
    return _shown.set({})


def stop(token) -> list:
    """End the collection; the primary keys still to journal."""
    shown = _shown.get() or {}
    _shown.reset(token)
    return [pk for pk, pending in shown.items() if pending]
