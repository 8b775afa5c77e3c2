"""What the feature apps declare to the outbox: their message kinds and whether a message is still useful.

The outbox names no appointment, atelier or récapitulatif. Each feature app declares, in its own
``notifications.py`` called from its ``AppConfig.ready()``:

- its **kinds**: value stored in ``Message.kind``, label, and the texts per language
  (e-mail subject, body with ``{date} {heure} {lieu} {annuler} {appeler} {texte}``)::

      register_kinds(Kind, TEXTS)               # Kind: a TextChoices of the app
      register_kinds(Kind, TEXTS, free_text=[Kind.RECAPITULATIF])

  ``free_text`` kinds carry a ``texte`` of up to ``content.RECAP_MAX`` characters and get the
  larger SMS budget; ``ephemeral`` kinds (``register_kinds(..., ephemeral=[Kind.X])``) carry a
  recipient given for this one message only (the kiosk's « SMS when it is my turn »): it is wiped
  from the row as soon as the message is sent, fails for good or is cancelled;
- its **relevance** checks, one callable per (model, kind) — or per model for every kind with
  ``kinds=None``::

      register_relevance("accueil.RendezVous", still_relevant)

  The callable receives ``(obj, message, now)`` and returns True to send, False to cancel the
  message (appointment started, cancelled, visitor gone…). A missing object (deleted) cancels the
  message. Objects of a model without any registered check are always sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# --- Kinds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageKind:
    value: str
    label: str
    texts: Mapping[str, tuple[str, str]]  # language → (e-mail subject, body)
    free_text: bool = False
    ephemeral: bool = False  # recipient wiped once the message is sent, failed or cancelled


_kinds: dict[str, MessageKind] = {}


def register_kind(kind: MessageKind) -> None:
    known = _kinds.get(kind.value)
    if known is not None and known != kind:
        raise ValueError(f"Type de message déjà déclaré autrement : {kind.value}")
    _kinds[kind.value] = kind


def register_kinds(
    choices,
    texts: Mapping[str, Mapping[str, tuple[str, str]]],
    *,
    free_text: Iterable = (),
    ephemeral: Iterable = (),
) -> None:
    """Declare every member of a ``TextChoices`` class with its texts."""
    free = {str(k) for k in free_text}
    once = {str(k) for k in ephemeral}
    for member in choices:
        kind = MessageKind(
            member.value,
            str(member.label),
            texts[member],
            free_text=member.value in free,
            ephemeral=member.value in once,
        )
        register_kind(kind)


def get_kind(value: str) -> MessageKind:
    """The declared kind (``KeyError`` when no app declared it)."""
    return _kinds[value]


def is_known(value: str) -> bool:
    return value in _kinds


def ephemeral_kinds() -> list[str]:
    return [kind.value for kind in _kinds.values() if kind.ephemeral]


def kinds() -> list[MessageKind]:
    return list(_kinds.values())


def kind_choices() -> list[tuple[str, str]]:
    """Choices of ``Message.kind`` (a callable: evaluated once the apps declared their kinds)."""
    return [(kind.value, kind.label) for kind in _kinds.values()]


# --- Relevance ----------------------------------------------------------------------------------

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
