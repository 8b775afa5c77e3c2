"""The home page of each role is « the day »: what do I do now.

Each app that owns a part of someone's day registers a *panel* here from its ``AppConfig.ready()``
(core imports no app): which roles see it, its order, its template and one selector that returns
the panel's context for the request. The home view renders the panels of the user's role in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .roles import Role
from .scoping import has_mds


@dataclass(frozen=True)
class Panel:
    key: str
    roles: frozenset[Role]
    order: int
    template_name: str
    get_context: Callable  # (request) -> dict | None ; None hides the panel
    needs_mds: bool = True


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels_for(request) -> list[dict]:
    """The rendered-context of every panel of the user's role, in order (empty panels skipped)."""
    role = getattr(request.user, "role", None)
    result = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if role not in panel.roles or (panel.needs_mds and not has_mds(request)):
            continue
        context = panel.get_context(request)
        if context is None:
            continue
        result.append({"key": panel.key, "template_name": panel.template_name, "context": context})
    return result
