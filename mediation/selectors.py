"""Reads shared by several screens (and by the pilotage app for the autonomy indicator)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from core.permissions import can

from .enums import POSTURES_AUTONOMES, RESULTATS_OUVERTS, Posture
from .models import (
    Accompagnement,
    Demarche,
    DemarcheRealisee,
    EtapeRealisee,
    JournalActivite,
    JournalEtape,
    Orientation,
    PieceDemandee,
    Revue,
)
from .search import search_text

FREQUENT_WINDOW_DAYS = 120


def journal_courant():
    """Current session-log entries (not superseded, not cancelled): what statistics read."""
    return JournalActivite.objects.courantes()


def demarches_frequentes(*, mds, limit: int = 8) -> list[Demarche]:
    """Most frequent démarches of the MDS over the last months; the referential order fills up."""
    since = timezone.localdate() - dt.timedelta(days=FREQUENT_WINDOW_DAYS)
    counts = (
        DemarcheRealisee.objects.filter(accompagnement__mds=mds, accompagnement__date__gte=since)
        .values("demarche_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:limit]
    )
    ranked = [row["demarche_id"] for row in counts]
    found = {d.pk: d for d in Demarche.objects.filter(pk__in=ranked, actif=True).select_related("organisme")}
    result = [found[pk] for pk in ranked if pk in found]
    if len(result) < limit:
        extra = (
            Demarche.objects.filter(actif=True)
            .exclude(pk__in=[d.pk for d in result])
            .select_related("organisme")
            .order_by("organisme__ordre", "ordre")[: limit - len(result)]
        )
        result.extend(extra)
    return result


def rechercher_demarches(*, mds, q: str, limit: int = 10) -> list[Demarche]:
    """Type-ahead over organisme + procedure (accent-free prefix of each word), most frequent first."""
    words = search_text(q).split()[:5]
    if not words:
        return demarches_frequentes(mds=mds, limit=limit)
    condition = Q()
    for word in words:
        condition &= Q(recherche__contains=f" {word}")
    since = timezone.localdate() - dt.timedelta(days=FREQUENT_WINDOW_DAYS)
    return _ranked_search(condition, mds, since, limit)


def _ranked_search(condition, mds, since, limit):
    matches = list(
        Demarche.objects.filter(condition, actif=True)
        .select_related("organisme")
        .order_by("organisme__ordre", "ordre")[:50]
    )
    if not matches:
        return []
    counts = dict(
        DemarcheRealisee.objects.filter(
            accompagnement__mds=mds, accompagnement__date__gte=since, demarche__in=[d.pk for d in matches]
        )
        .values_list("demarche_id")
        .annotate(n=Count("id"))
    )
    matches.sort(key=lambda d: -counts.get(d.pk, 0))
    return matches[:limit]


def dernieres_postures(*, usager) -> dict[str, str]:
    """The last posture of *this visitor* on each step code: a suggestion on the logging screen.

    Never another visitor's: a new or anonymous person gets no suggestion at all."""
    if usager is None:
        return {}
    rows = (
        EtapeRealisee.objects.filter(demarche_realisee__accompagnement__usager=usager)
        .order_by(
            "code",
            "-demarche_realisee__accompagnement__date",
            "-demarche_realisee__accompagnement__debut",
            "-demarche_realisee__accompagnement__created_at",
            "-id",
        )
        .distinct("code")
        .values_list("code", "posture")
    )
    return dict(rows)


def demarches_ouvertes(*, usager) -> list[DemarcheRealisee]:
    """Démarches of the visitor still open (doit revenir, à finaliser) and not continued since."""
    if usager is None:
        return []
    return list(
        DemarcheRealisee.objects.filter(accompagnement__usager=usager, resultat__in=RESULTATS_OUVERTS)
        .filter(suites__isnull=True)
        .select_related("demarche__organisme", "accompagnement")
        .prefetch_related(Prefetch("pieces", queryset=PieceDemandee.objects.order_by("pk")))
        .order_by("-accompagnement__date", "-accompagnement__debut")
    )


def historique_usager(*, usager, limit: int = 10) -> list[Accompagnement]:
    return list(
        Accompagnement.objects.filter(usager=usager)
        .select_related("mediateur")
        .prefetch_related(
            Prefetch(
                "demarches",
                queryset=DemarcheRealisee.objects.select_related("demarche__organisme").prefetch_related("etapes"),
            )
        )
        .order_by("-date", "-debut")[:limit]
    )


def progression_autonomie(*, usager) -> list[dict]:
    """Per sitting (oldest first): number of steps by posture and the share of each."""
    rows = (
        EtapeRealisee.objects.filter(demarche_realisee__accompagnement__usager=usager)
        .values("demarche_realisee__accompagnement_id", "demarche_realisee__accompagnement__date", "posture")
        .annotate(n=Count("id"))
        .order_by("demarche_realisee__accompagnement__date", "demarche_realisee__accompagnement_id")
    )
    sittings: dict[int, dict] = {}
    for row in rows:
        acc_id = row["demarche_realisee__accompagnement_id"]
        sitting = sittings.setdefault(
            acc_id,
            {"date": row["demarche_realisee__accompagnement__date"], "counts": dict.fromkeys(Posture.values, 0)},
        )
        sitting["counts"][row["posture"]] += row["n"]
    result = []
    for sitting in sittings.values():
        total = sum(sitting["counts"].values())
        shares = {p: round(100 * n / total) if total else 0 for p, n in sitting["counts"].items()}
        autonomy = sitting["counts"][Posture.FAIRE_FAIRE] + sitting["counts"][Posture.AUTONOME]
        result.append(
            {
                "date": sitting["date"],
                "total": total,
                "counts": sitting["counts"],
                "shares": shares,
                "part_autonomie": round(100 * autonomy / total) if total else 0,
                "segments": _segments(shares),
            }
        )
    return result


def _segments(shares: dict) -> list[dict]:
    """Stacked-bar segments (x offset and width in %) for the SVG chart."""
    segments, x = [], 0
    for posture in Posture.values:
        width = shares.get(posture, 0)
        segments.append({"posture": posture, "label": Posture(posture).label, "x": x, "width": width})
        x += width
    return segments


def evolution_autonomie(*, mds, debut: dt.date, fin: dt.date) -> dict:
    """For directors: visitors of the MDS with at least two sittings in [debut, fin]; share of
    « faire faire » + « laisser faire » steps at their first and at their last sitting.

    Reads the session log (current entries), so anonymizing visitors does not change it."""
    entries = (
        JournalActivite.objects.courantes()
        .filter(mds=mds, date__gte=debut, date__lte=fin, usager__isnull=False, nature="accompagnement")
        .values_list("id", "usager_id", "date", "debut")
    )
    by_usager = defaultdict(list)
    for entry_id, usager_id, date, start in entries:
        by_usager[usager_id].append((date, start or dt.time(0), entry_id))
    pairs = {}
    for usager_id, sittings in by_usager.items():
        if len(sittings) >= 2:
            sittings.sort()
            pairs[usager_id] = (sittings[0][2], sittings[-1][2])
    needed = {i for pair in pairs.values() for i in pair}
    counts = defaultdict(lambda: [0, 0])  # entry id -> [autonomous steps, all steps]
    steps = (
        JournalEtape.objects.filter(demarche__activite_id__in=needed)
        .values("demarche__activite_id")
        .annotate(total=Count("id"), auto=Count("id", filter=Q(posture__in=POSTURES_AUTONOMES)))
    )
    for row in steps:
        counts[row["demarche__activite_id"]] = [row["auto"], row["total"]]
    first_auto = first_total = last_auto = last_total = improved = 0
    counted = 0
    for first, last in pairs.values():
        a1, t1 = counts[first]
        a2, t2 = counts[last]
        if not t1 or not t2:
            continue
        counted += 1
        first_auto, first_total = first_auto + a1, first_total + t1
        last_auto, last_total = last_auto + a2, last_total + t2
        if a2 / t2 > a1 / t1:
            improved += 1
    part_first = round(100 * first_auto / first_total, 1) if first_total else None
    part_last = round(100 * last_auto / last_total, 1) if last_total else None
    return {
        "usagers": counted,
        "part_premiere": part_first,
        "part_derniere": part_last,
        "evolution": round(part_last - part_first, 1) if counted else None,
        "usagers_en_progres": improved,
    }


def orientations_recues(*, user, mds):
    """Inbox: what was sent to this person or to their team in the current MDS."""
    qs = Orientation.objects.for_mds(mds).select_related("usager", "emetteur", "destinataire", "partenaire", "demarche")
    conditions = Q(destinataire=user)
    if can(user, "mediation.log"):
        conditions |= Q(sens="vers_mediation", destinataire__isnull=True)
    if can(user, "mediation.orientations.equipe_ts"):
        conditions |= Q(sens="vers_travailleur_social", destinataire__isnull=True)
    return qs.filter(conditions)


def orientations_envoyees(*, user, mds):
    return (
        Orientation.objects.for_mds(mds)
        .filter(emetteur=user)
        .select_related("usager", "emetteur", "destinataire", "partenaire", "demarche")
    )


# ------------------------------------------------------------------------------------------------
# The desk's day (home panels) and the accompaniments list


def retours_tuteur(*, stagiaire, limit: int = 5) -> list:
    """Feedback the intern received on her « à la place » acts: unread first, then the latest."""
    return list(
        Revue.objects.filter(demarche_realisee__accompagnement__mediateur=stagiaire, acquittee_le__isnull=False)
        .select_related("demarche_realisee__demarche__organisme", "demarche_realisee__accompagnement", "acquittee_par")
        .order_by(F("lue_le").desc(nulls_first=True), "-acquittee_le")[:limit]
    )


def demarches_a_suivre(*, mds, mediateur=None, limit: int = 10) -> list[DemarcheRealisee]:
    """Open démarches (« doit revenir », « à finaliser ») not continued since, latest first;
    the mediator's own when ``mediateur`` is given."""
    qs = DemarcheRealisee.objects.filter(
        accompagnement__mds=mds, resultat__in=RESULTATS_OUVERTS, suites__isnull=True
    ).select_related("demarche__organisme", "accompagnement__usager")
    if mediateur is not None:
        qs = qs.filter(accompagnement__mediateur=mediateur)
    return list(qs.order_by("-accompagnement__date", "-accompagnement__debut")[:limit])


def revues_a_voir(*, mds, tuteur, limit: int = 5) -> dict:
    qs = Revue.objects.for_mds(mds).filter(Q(tuteur=tuteur) | Q(tuteur__isnull=True), acquittee_le__isnull=True)
    items = list(
        qs.select_related(
            "demarche_realisee__demarche__organisme", "demarche_realisee__accompagnement__mediateur"
        ).order_by("created_at")[:limit]
    )
    return {"nombre": qs.count(), "items": items}


def accompagnements(*, base, mediateur=None, du=None, au=None, usager=None, anonymes=False):
    """« Mes accompagnements » / the MDS's: filtered by dates and visitor, latest first."""
    qs = base.select_related("usager", "mediateur").prefetch_related(
        Prefetch("demarches", queryset=DemarcheRealisee.objects.select_related("demarche__organisme"))
    )
    if mediateur is not None:
        qs = qs.filter(mediateur=mediateur)
    if du:
        qs = qs.filter(date__gte=du)
    if au:
        qs = qs.filter(date__lte=au)
    if usager is not None:
        qs = qs.filter(usager=usager)
    elif anonymes:
        qs = qs.filter(usager__isnull=True)
    return qs.order_by("-date", "-debut", "-pk")
