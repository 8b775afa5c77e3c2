"""How the dispatcher asks the app that owns an object whether a message about it is still useful.

An app registers, from its ``AppConfig.ready()``, one callable per (model, kind) — or per model for
every kind with ``kind=None``::

    register_relevance("accueil.RendezVous", rendez_vous_still_relevant, kinds=[Kind.RAPPEL_RDV_J2, ...])

The callable receives ``(obj, message, now)`` and returns True to send, False to cancel the message
(appointment started, cancelled, visitor gone…). A missing object (deleted) cancels the message.
Objects of a model without any registered check are always sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_checks: dict[tuple[str, str | None], Callable] = {}


def _label(model) -> str:
    if isinstance(model, str):
        app_label, model_name = model.split(".")
        return f"{app_label.lower()}.{model_name.lower()}"
    return model._meta.label_lower


def register_relevance(model, func: Callable, *, kinds: Iterable[str] | None = None) -> None:
    for kind in kinds or [None]:
        _checks[(_label(model), kind)] = func


def unregister_relevance(model, *, kinds: Iterable[str] | None = None) -> None:
    for kind in kinds or [None]:
        _checks.pop((_label(model), kind), None)


def is_relevant(message, now) -> bool:
    label = f"{message.object_type.app_label}.{message.object_type.model}"
    check = _checks.get((label, message.kind)) or _checks.get((label, None))
    if check is None:
        return True
    obj = message.object_type.get_object_for_this_type(pk=message.object_id) if _exists(message) else None
    if obj is None:
        return False
    return bool(check(obj, message, now))


def _exists(message) -> bool:
    model = message.object_type.model_class()
    return model is not None and model._default_manager.filter(pk=message.object_id).exists()
