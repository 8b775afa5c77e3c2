"""The one mapping from the session log to La Coop de la médiation numérique's activity
(``mediation.coop`` holds the pinned vocabulary). The CSV export, the XLSX export in the Coop's
layout and the API feed ``GET /api/v1/activites`` all read :func:`activites` — field by field
documented in docs/interop.md.

A Coop activity here is one *logical* session-log entry (its key ``cle``): the latest version
carries the values, the first version's time is ``creation``, the latest's is ``modification``;
a cancelled entry keeps being exposed with ``suppression`` set, so incremental pulls learn it.

Never in an activity: a visitor's name, reference or attribute, a staff member, a free note. The
per-activity beneficiary breakdown (genre, tranche d'âge, statut) is never published: one line is
often one person, and any band would single them out. Every beneficiary is counted as
``non_communique``; the breakdowns live in the monthly report under statistical secrecy."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from ateliers.models import Seance
from core.models import MDS
from mediation import coop
from mediation.models import Demarche, JournalActivite, Orientation

NAMESPACE = uuid.UUID("6f1d7c52-3a0e-4c8e-9b7a-2d4f0e5a9c11")  # fixed: ids must stay stable
NATURES = ("accompagnement", "atelier_individuel", "atelier_collectif")
SEANCE_PREFIX = "atelier-seance-"


def activite_uuid(cle: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"activite:{cle}"))


def structure_uuid(mds_code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"mds:{mds_code}"))


def entrees() -> QuerySet:
    """Latest version of every logical activity, with its first version's time as ``creation``."""
    first = JournalActivite.objects.filter(cle=OuterRef("cle"), version=1).values("created_at")[:1]
    return JournalActivite.objects.filter(remplacee_par__isnull=True, nature__in=NATURES).annotate(
        creation=Subquery(first)
    )


def courantes(*, debut, fin, mds_ids, mediateur_id=None) -> QuerySet:
    """What the exports contain: current (not cancelled) activities of a period and scope."""
    qs = entrees().filter(annulee=False, date__gte=debut, date__lte=fin, mds_id__in=list(mds_ids))
    if mediateur_id is not None:
        qs = qs.filter(mediateur_id=mediateur_id)
    return qs


def autonomie_coop(postures) -> str | None:
    """Activity-level Coop autonomy from its steps' postures (coop.POSTURE_TO_AUTONOMIE, lossy):
    the most frequent value, ties going to the more accompanied one; None without any step."""
    counts = Counter(coop.POSTURE_TO_AUTONOMIE[p] for p in postures if p in coop.POSTURE_TO_AUTONOMIE)
    if not counts:
        return None
    best = max(counts.values())
    return next(code for code in coop.AUTONOMIE if counts.get(code) == best)


@dataclass
class _Lookups:
    mds: dict
    seances: dict
    demarches: dict
    redirections: dict


def _lookups(entries) -> _Lookups:
    """Everything an activity needs besides its own rows, in four queries for a whole page."""
    mds_ids = {e.mds_id for e in entries}
    seance_ids = set()
    for e in entries:
        if e.seance_key.startswith(SEANCE_PREFIX) and e.seance_key[len(SEANCE_PREFIX) :].isdigit():
            seance_ids.add(int(e.seance_key[len(SEANCE_PREFIX) :]))
    codes = {d.demarche_code for e in entries for d in e.demarches.all() if d.demarche_code}
    acc_ids = {e.accompagnement_id for e in entries if e.accompagnement_id}
    redirections = defaultdict(list)
    if acc_ids:
        rows = (
            Orientation.objects.filter(demarche_realisee__accompagnement_id__in=acc_ids)
            .exclude(sens="vers_mediation")
            .order_by("demarche_realisee__ordre", "pk")
            .values_list("demarche_realisee__accompagnement_id", "sens", "partenaire__structure_de_redirection")
        )
        for acc_id, sens, code in rows:
            redirections[acc_id].append(code or coop.SENS_TO_REDIRECTION.get(sens))
    return _Lookups(
        mds={m.pk: m for m in MDS.objects.filter(pk__in=mds_ids)} if mds_ids else {},
        seances={s.pk: s for s in Seance.objects.filter(pk__in=seance_ids).select_related("atelier")}
        if seance_ids
        else {},
        demarches=dict(Demarche.objects.filter(code__in=codes).values_list("code", "libelle")) if codes else {},
        redirections=redirections,
    )


def _beneficiaires(total: int) -> dict:
    """Statistical secrecy: counts only, every attribute « non communiqué » (module docstring)."""
    return {
        "total": total,
        "genres": {code: (total if code == "non_communique" else 0) for code in coop.GENRE},
        "tranches_age": {code: (total if code == "non_communique" else 0) for code in coop.TRANCHE_AGE},
        "statuts": {code: (total if code == "non_communique" else 0) for code in coop.STATUT_SOCIAL},
    }


def _activite(e: JournalActivite, look: _Lookups) -> dict:
    demarches = list(e.demarches.all())
    collectif = e.nature == "atelier_collectif"
    atelier = None
    if e.seance_key.startswith(SEANCE_PREFIX):
        seance = look.seances.get(int(e.seance_key[len(SEANCE_PREFIX) :] or 0))
        atelier = seance.atelier if seance else None

    thematiques = [d.thematique_code for d in demarches]
    administratives = [d for d in demarches if d.organisme_code]
    if administratives:  # a démarche with an organisme is an administrative one for the Coop
        thematiques.append(coop.AIDE_DEMARCHES)
    thematiques = coop.thematiques_valides(thematiques)
    precisions = None
    if coop.AIDE_DEMARCHES in thematiques and administratives:
        labels = [look.demarches.get(d.demarche_code, "") for d in administratives]
        precisions = "; ".join(dict.fromkeys(label for label in labels if label)) or None

    if atelier is not None:
        materiel = [m for m in coop.MATERIEL if m in set(atelier.equipements)]
    else:
        materiel = [m for m in coop.MATERIEL if m in set(e.materiel)]

    oriente = None
    redirection = None
    if not collectif:
        oriente = any(d.oriente_vers and d.oriente_vers != "vers_mediation" for d in demarches)
        if oriente:
            codes = [c for c in look.redirections.get(e.accompagnement_id, []) if c]
            if not codes:
                codes = [
                    coop.SENS_TO_REDIRECTION[d.oriente_vers]
                    for d in demarches
                    if d.oriente_vers in coop.SENS_TO_REDIRECTION
                ]
            redirection = codes[0] if codes else "autre"

    type_lieu = e.type_lieu or "lieu_activite"
    mds = look.mds.get(e.mds_id)
    ailleurs = type_lieu != "lieu_activite"
    etapes = [s.posture for d in demarches for s in d.etapes.all()]
    total = 0 if e.annulee else e.participants
    return {
        "id": activite_uuid(e.cle),
        "type": "collectif" if collectif else "individuel",
        # Staff are never published one by one (docs/interop.md): the Coop's per-mediator ids stay null.
        "mediateur_id": None,
        "user_id": None,
        "accompagnements": total,
        "date": e.date.isoformat(),
        "duree": e.duree_minutes,
        "type_lieu": type_lieu,
        "structure_id": structure_uuid(mds.code) if mds and not ailleurs else None,
        # Not at the MDS: the MDS's commune (as the Coop does for « à distance »), never the visitor's.
        "lieu_code_postal": (mds.code_postal or None) if mds and ailleurs else None,
        "lieu_commune": (mds.commune or None) if mds and ailleurs else None,
        "lieu_code_insee": (mds.commune_insee or None) if mds and ailleurs else None,
        "creation": (e.creation or e.created_at).isoformat(),
        "modification": e.created_at.isoformat(),
        "suppression": e.created_at.isoformat() if e.annulee else None,
        "autonomie": autonomie_coop(etapes) if not collectif and atelier is None else None,
        "oriente_vers_structure": oriente,
        "structure_de_redirection": redirection,
        "materiel": materiel,
        "thematiques": thematiques,
        "tags": sorted({d.organisme_code for d in administratives}),
        "precisions_demarche": precisions,
        "titre_atelier": atelier.titre if collectif and atelier else None,
        "niveau_atelier": atelier.niveau if collectif and atelier and atelier.niveau in coop.NIVEAU_ATELIER else None,
        "beneficiaires": _beneficiaires(total),
        # Not Coop attributes: used by the exports (the MDS code) and the cursor.
        "_mds_code": mds.code if mds else "",
        "_mds_nom": mds.nom if mds else "",
        "_mds_adresse": mds.adresse if mds else "",
        "_pk": e.pk,
        "_modification": e.created_at,
    }


def activites(queryset: QuerySet) -> list[dict]:
    """Coop activities of a (sliced) queryset of :func:`entrees`. Six queries whatever its size."""
    entries = list(queryset.prefetch_related("demarches__etapes"))
    look = _lookups(entries)
    return [_activite(e, look) for e in entries]


def par_lots(queryset: QuerySet, taille: int = 1000):
    """Stream the activities of a large queryset by keyset pages (a Département year stays light)."""
    last = None
    qs = queryset.order_by("date", "pk")
    while True:
        page = qs.filter(Q(date__gt=last[0]) | Q(date=last[0], pk__gt=last[1])) if last else qs
        batch = activites(page[:taille])
        if not batch:
            return
        yield from batch
        entry = batch[-1]
        last = (entry["date"], entry["_pk"])
