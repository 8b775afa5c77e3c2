"""Reads of the ateliers app: calendar, séance page, visitor history, and the statistics the
pilotage app reads (everything computed in SQL)."""

import datetime as dt

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from .enums import Format, MotifAnnulation, Presence, StatutInscription, StatutSeance
from .models import Evenement, Inscription, ParticipantAnonyme, Seance


def calendrier(seances_qs, *, debut: dt.datetime, fin: dt.datetime):
    """Séances between two instants, with what the calendar shows (fill rate from the counter)."""
    return (
        seances_qs.filter(debut__gte=debut, debut__lt=fin)
        .select_related("atelier", "animateur")
        .annotate(nb_attente=Count("inscriptions", filter=Q(inscriptions__statut=StatutInscription.ATTENTE)))
        .order_by("debut", "pk")
    )


def page_seance(seance: Seance) -> dict:
    """Registrants, waitlist, walk-ins and events of one séance in a fixed number of queries."""
    inscriptions = list(
        seance.inscriptions.exclude(statut=StatutInscription.ANNULEE)
        .select_related("usager")
        .order_by("attente_depuis", "created_at", "id")
    )
    inscrits = [i for i in inscriptions if i.statut == StatutInscription.INSCRIT]
    attente = [i for i in inscriptions if i.statut == StatutInscription.ATTENTE]
    anonymes = list(seance.anonymes.all())
    evenements = list(Evenement.objects.filter(seance=seance).select_related("inscription__usager", "par")[:50])
    return {
        "inscrits": sorted(inscrits, key=lambda i: (i.created_at, i.pk)),
        "attente": attente,
        "anonymes": anonymes,
        "nb_anonymes": sum(a.nombre for a in anonymes),
        "nb_presents": sum(1 for i in inscrits if i.presence == Presence.PRESENT),
        "evenements": evenements,
    }


def inscriptions_usager(usager, *, limit: int = 20):
    return (
        Inscription.objects.filter(usager=usager).select_related("seance__atelier").order_by("-seance__debut")[:limit]
    )


# --- Statistics (read by pilotage) ----------------------------------------------------------------


def _anonymes_subquery():
    return Coalesce(
        Subquery(
            ParticipantAnonyme.objects.filter(seance=OuterRef("pk"))
            .values("seance")
            .annotate(total=Sum("nombre"))
            .values("total"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _presents_subquery():
    return Coalesce(
        Subquery(
            Inscription.objects.filter(
                seance=OuterRef("pk"), statut=StatutInscription.INSCRIT, presence=Presence.PRESENT
            )
            .values("seance")
            .annotate(total=Count("pk"))
            .values("total"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def seances_periode(seances_qs, *, debut: dt.datetime, fin: dt.datetime):
    """Séances starting in [debut, fin[, annotated with ``participants_inscrits`` (registered and
    present), ``participants_anonymes`` (walk-in counts) and ``participants``."""
    return (
        seances_qs.filter(debut__gte=debut, debut__lt=fin)
        .annotate(participants_inscrits=_presents_subquery(), participants_anonymes=_anonymes_subquery())
        .annotate(participants=F("participants_inscrits") + F("participants_anonymes"))
    )


def _aggregates():
    held = Q(statut=StatutSeance.TENUE)
    return {
        "seances_planifiees": Count("pk"),
        "seances_tenues": Count("pk", filter=held),
        "seances_collectives_tenues": Count("pk", filter=held & Q(format=Format.COLLECTIF)),
        "seances_individuelles_tenues": Count("pk", filter=held & Q(format=Format.INDIVIDUEL)),
        "participants_inscrits": Coalesce(Sum("participants_inscrits", filter=held), 0),
        "participants_anonymes": Coalesce(Sum("participants_anonymes", filter=held), 0),
        "participants": Coalesce(Sum("participants", filter=held), 0),
        "places_offertes": Coalesce(Sum("capacite", filter=held), 0),
        "annulations": Count("pk", filter=Q(statut=StatutSeance.ANNULEE)),
        "annulations_minimum": Count(
            "pk",
            filter=Q(statut=StatutSeance.ANNULEE)
            & Q(motif_annulation__in=[MotifAnnulation.MINIMUM_NON_ATTEINT, MotifAnnulation.CONVERSION_INDIVIDUEL]),
        ),
    }


def _with_rate(row: dict) -> dict:
    places = row.get("places_offertes") or 0
    row["taux_remplissage"] = round(100 * row["participants"] / places, 1) if places else None
    return row


def stats_par_mds(seances_qs, *, debut: dt.datetime, fin: dt.datetime) -> list[dict]:
    """One row per MDS: séances held (collective / individual), participants (registered present +
    anonymous walk-ins), places offered, fill rate (participants / places of held séances, in %),
    cancellations and cancellations for too few participants (incl. conversions to individual).
    ``seances_qs`` is already scoped (``Seance.objects.for_user(user)`` or ``for_mds``)."""
    rows = (
        seances_periode(seances_qs, debut=debut, fin=fin)
        .order_by()
        .values("mds_id", "mds__code", "mds__nom")
        .annotate(**_aggregates())
        .order_by("mds__nom")
    )
    return [_with_rate(dict(r)) for r in rows]


def stats_par_mois(seances_qs, *, debut: dt.datetime, fin: dt.datetime) -> list[dict]:
    """Same figures by month (for the 12-month trends)."""
    rows = (
        seances_periode(seances_qs, debut=debut, fin=fin)
        .annotate(mois=TruncMonth("debut"))
        .order_by()
        .values("mois")
        .annotate(**_aggregates())
        .order_by("mois")
    )
    return [_with_rate(dict(r)) for r in rows]


def stats_totales(seances_qs, *, debut: dt.datetime, fin: dt.datetime) -> dict:
    """The same figures summed over every MDS of ``seances_qs`` (one query)."""
    keys = list(_aggregates())
    total = dict.fromkeys(keys, 0)
    for row in stats_par_mds(seances_qs, debut=debut, fin=fin):
        for key in keys:
            total[key] += row[key]
    return _with_rate(total)


def participants_anonymes_par_bande(seances_qs, *, debut: dt.datetime, fin: dt.datetime) -> list[dict]:
    """Walk-in counts of held séances by tranche d'âge and new / already accompanied. These are
    counts of people crossed with a band: apply the < 11 suppression rule before showing them."""
    return list(
        ParticipantAnonyme.objects.filter(
            seance__in=seances_qs.filter(debut__gte=debut, debut__lt=fin, statut=StatutSeance.TENUE)
        )
        .order_by()
        .values("tranche_age", "deja_accompagne")
        .annotate(nombre=Sum("nombre"))
        .order_by("tranche_age", "deja_accompagne")
    )


def prefetch_inscrits():
    return Prefetch(
        "inscriptions",
        queryset=Inscription.objects.filter(statut=StatutInscription.INSCRIT).select_related("usager"),
        to_attr="inscrits_list",
    )
