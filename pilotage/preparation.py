"""Compute ahead the stored figures of the last closed month (``pilotage.fenetres``), from beat:
the first view of a month's dashboards and reports then reads them instead of computing them."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from core.models import MDS

from . import fenetres, indicators, publications
from .models import FigureFenetre
from .periode import Perimetre, Periode, mois_courant
from .selectors import sans_jit


def periodes_du_mois(mois: dt.date) -> list[Periode]:
    """The closed periods a dashboard of ``mois`` shows and compares: the month, its quarter (when
    closed) and the 12 months ending with it, with the previous period of each."""
    found = []
    for periode in (Periode("mois", mois), Periode("trimestre", mois), Periode("12mois", mois)):
        for p in (periode, periode.precedente()):
            if fenetres.close(p) and p not in found:
                found.append(p)
    return found


def preparer(mois: dt.date | None = None) -> int:
    """Compute ahead what the dashboards and reports of the last closed month (or ``mois``) read:
    for each of its periods, the Département, every active MDS and the secrecy decisions. Returns
    how many figures were missing (one query when everything is there)."""
    mois = mois or (mois_courant() - relativedelta(months=1))
    places = list(MDS.objects.filter(active=True).order_by("nom"))
    scopes = [Perimetre(mds=tuple(places), departement=True), *(Perimetre(mds=(m,)) for m in places)]
    periods = periodes_du_mois(mois)
    stored = FigureFenetre.objects.filter(debut__in={p.debut for p in periods})
    there = set(stored.values_list("cle", "type", "debut", "perimetre"))
    secret = (f"secret:{fenetres.EMPREINTE_REGLE}", "mds:" + fenetres.ids_cle([m.pk for m in places]))
    computed = 0
    for periode in periods:  # one transaction per period: the refresh's lock is held briefly
        with sans_jit():
            refused = publications.refus(periode)  # no people tables: no decision to store
            if not refused and (secret[0], periode.type, periode.debut, secret[1]) not in there:
                fenetres.decisions(periode)
                computed += 1
            for perimetre in scopes:
                for cle, fn in (
                    ("usagers", indicators.usagers_nouveaux_revenus),
                    ("progression", indicators.progression_autonomie),
                    ("nb_usagers", indicators.nb_usagers),
                ):
                    if (cle, periode.type, periode.debut, fenetres.cle_perimetre(perimetre)) not in there:
                        fn(periode, perimetre)
                        computed += 1
    return computed
