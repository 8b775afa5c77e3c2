"""Block of the visitor page (registered in apps.py): accompaniments, open démarches with their
checklist, autonomy progression. A bounded number of queries whatever the history length."""

from core.permissions import can

from . import selectors


def usager_history_context(request, usager):
    if not (can(request.user, "mediation.log") or can(request.user, "usagers.view")):
        return None
    progression = selectors.progression_autonomie(usager=usager)
    for index, sitting in enumerate(progression):
        sitting["y"] = index * 2
    return {
        "chart_height": max(2, 2 * len(progression)),
        "usager": usager,
        "peut_commencer": can(request.user, "mediation.log") and usager.anonymise_le is None,
        "accompagnements": selectors.historique_usager(usager=usager),
        "ouvertes": selectors.demarches_ouvertes(usager=usager),
        "progression": progression,
    }
