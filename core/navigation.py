"""Main menu of the desk layout. Entries whose URL is not installed yet are skipped, so an app
adds its screens by naming them here once."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .permissions import can


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    perm: str | None = None


MENU = [
    Entry("Accueil", "core:home"),
    Entry("File d'attente", "accueil:file", "accueil.queue"),
    Entry("Rendez-vous", "accueil:agenda", "accueil.rdv"),
    Entry("Usagers", "usagers:liste", "usagers.view"),
    Entry("Accompagner", "mediation:commencer", "mediation.log"),
    Entry("Mes accompagnements", "mediation:liste", "mediation.log"),
    Entry("Orientations", "mediation:orientations", "mediation.orientations"),
    Entry("Revue", "mediation:revue", "mediation.review"),
    Entry("Ateliers", "ateliers:calendrier", "ateliers.view"),
    Entry("Modèles d'ateliers", "ateliers:modeles", "ateliers.modeles"),
    Entry("Mon activité", "pilotage:mon_activite", "pilotage.own_activity"),
    Entry("Tableau de bord", "pilotage:mds", "pilotage.mds"),
    Entry("Département", "pilotage:departement", "pilotage.departement"),
    Entry("Rapports", "pilotage:rapports", "pilotage.reports"),
    Entry("Paramètres", "accueil:parametres", "accueil.settings"),
    Entry("Bornes", "borne:gestion", "accueil.bornes"),
    Entry("Journal des accès", "usagers:journal", "usagers.journal"),
    Entry("Équipe", "core:equipe", "core.team"),
    Entry("Agendas externes", "interop:agendas_externes", "interop.agendas_externes"),
    Entry("Accès API", "interop:clients_api", "interop.api_clients"),
]


def menu_for(request):
    items = []
    for entry in MENU:
        if entry.perm and not can(request.user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "active": request.path.startswith(url) and url != "/"})
    if items and request.path == "/":
        items[0]["active"] = True
    return items
