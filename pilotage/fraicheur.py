# ruff: noqa: S608 — SQL text is built from table names and fixed fragments only; every value is a parameter.
"""« Données à jour au … »: how fresh the figures of a dashboard are, source by source (reads only).

A dashboard mixes several sources: the mediation session log (summarized into the rollup, topped
up just before the page is computed), reception's appointments and queue passages, the ateliers'
séances and the reminder SMS. Each one says when its last entry in the scope was recorded (created
or changed), so a reader knows what the figures include — a desk that has not entered its
appointments since Monday shows it, even though the session log is up to the minute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from core.dates import PARIS

from .periode import jour_fr
from .tables import ACTIVITES, PASSAGES, RENDEZ_VOUS, SEANCES, messages


@dataclass(frozen=True)
class Source:
    cle: str
    libelle: str  # what the date is: « journal de séance (dernière saisie ou correction) »
    derniere: dt.datetime | None

    @property
    def texte(self) -> str:
        return moment_fr(self.derniere) if self.derniere else "aucune entrée"


def moment_fr(moment: dt.datetime) -> str:
    """« 2 décembre 2026 à 9 h 05 » (Paris time, French typography)."""
    local = moment.astimezone(PARIS)
    return f"{jour_fr(local.date())} à {local.hour} h {local.minute:02d}"


# (key, label, SQL of the latest change in the scope with a ``{where}`` on its MDS column, for a
# mediator's own page: the column naming them, or None when the source is not on their page).
SOURCES = [
    (
        "journal",
        "journal de séance (dernière saisie ou correction)",
        f"SELECT MAX(created_at) FROM {ACTIVITES} WHERE {{where}}",
        "mediateur_id",
    ),
    (
        "rendez_vous",
        "rendez-vous (dernière prise, modification ou issue)",
        f"SELECT MAX(updated_at) FROM {RENDEZ_VOUS} WHERE {{where}}",
        None,
    ),
    (
        "passages",
        "arrivées à l'accueil (dernière arrivée ou sortie de la file)",
        f"SELECT MAX(GREATEST(arrivee_le, pris_en_charge_le, sorti_le)) FROM {PASSAGES} WHERE {{where}}",
        None,
    ),
    (
        "ateliers",
        "ateliers (dernière séance créée, émargée ou annulée)",
        f"SELECT MAX(GREATEST(created_at, cloturee_le, annulee_le)) FROM {SEANCES} WHERE {{where}}",
        "animateur_id",
    ),
    (
        "sms",
        "SMS de rappel (dernier envoi ou accusé de réception)",
        "SELECT MAX(updated_at) FROM {messages} WHERE kind = ANY(%s) AND {where}",
        None,
    ),
]


def fraicheur(perimetre) -> tuple[dt.datetime, list[Source]]:
    """(when the page is computed, the latest entry of each source in the scope), in one query."""
    from .indicators import KINDS_RAPPEL

    parts, params = [], []
    chosen = []
    for cle, libelle, query, colonne_mediateur in SOURCES:
        if perimetre.mediateur is not None:
            if colonne_mediateur is None:
                continue
            where, extra = f"{colonne_mediateur} = %s", [perimetre.mediateur.pk]
        elif perimetre.departement:
            where, extra = "TRUE", []
        else:
            where, extra = "mds_id = ANY(%s)", [perimetre.ids]
        if cle == "sms":
            extra = [KINDS_RAPPEL, *extra]
        parts.append("(" + query.format(where=where, messages=messages()) + ")")
        params += extra
        chosen.append((cle, libelle))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        latest = cursor.fetchone()
    return timezone.now(), [Source(cle, libelle, moment) for (cle, libelle), moment in zip(chosen, latest, strict=True)]
