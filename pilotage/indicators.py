# ruff: noqa: S608 — SQL text is built from table names and fixed fragments only; every value is a parameter.
"""Indicators of domain brief §9: one SQL aggregate each, for a period and a scope.

Every indicator function takes ``(periode, perimetre)`` and returns rows
``(mds_id or None, categorie, valeur)``: ``GROUPING SETS ((mds_id, categorie), (categorie))`` gives
the per-MDS figures and the figure of the whole scope in the same query (the scope total of a median
or of distinct people is not the sum of the parts). ``pilotage.tableaux.construire`` pivots them.

Sources (read only, never written): the mediation session log (``mediation_journal*``, *current*
entries only: not superseded, not cancelled — docs/mediation.md), reception's appointments and
passages, the ateliers' statistics selectors, visitor records for the profile bands. No Python loop
over records: the database aggregates; Python reshapes a few dozen rows.

Stores: for whole months and a set of MDS, the additive indicators read the monthly rollup
(``pilotage.agregats``), and the visitor-level ones of a closed period are read as stored
(``pilotage.fenetres``), like the figures read from the desk's tables (keys ``accueil:…``: waits,
arrivals, appointments, reminders, ateliers) of a closed period; the live query below each of them is
the reference (and what is computed inside ``agregats.en_direct()``): the figures are identical.

Definitions are in docs/pilotage.md (and in the methodology page of the monthly report)."""

from __future__ import annotations

import datetime as dt

import holidays
from django.db import connection

from accueil.enums import CanalReservation, StatutRendezVous
from mediation.enums import Nature, Posture, Resultat, SensOrientation, Source
from mediation.models import Demarche, Organisme
from usagers.enums import Genre, Langue, StatutSocial, TrancheAge

from . import agregats, fenetres
from .fenetres import ACCUEIL
from .periode import libelle_mois
from .tableaux import Indicateur
from .tables import (
    ACTIVITES,
    FERMETURES,
    MOTIFS,
    PASSAGES,
    PLAGES,
    RENDEZ_VOUS,
    RESUMES,
    RESUMES_DEM,
    USAGERS,
    messages,
)

AUTONOMES = ("faire_faire", "autonome")


def sql(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def portee(perimetre, column: str = "mds_id") -> tuple[str, list]:
    """SQL condition restricting ``column`` to the scope's MDS."""
    if perimetre.departement:
        return "TRUE", []
    return f"{column} = ANY(%s)", [perimetre.ids]


def grouper(inner: str, params: list, valeur: str = "COUNT(*)") -> list[tuple]:
    """Aggregate ``inner`` (a query yielding mds_id, categorie[, x]) per MDS and for the scope."""
    return sql(
        f"SELECT mds_id, categorie, {valeur} FROM ({inner}) AS t "
        "GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))",
        params,
    )


def parts(inner: str, params: list) -> list[tuple]:
    """Share (%) of each category within each MDS and within the scope."""
    return sql(
        "SELECT mds_id, categorie, ROUND(100.0 * n / NULLIF(SUM(n) OVER (PARTITION BY g, mds_id), 0), 1) FROM ("
        f"SELECT mds_id, categorie, GROUPING(mds_id) AS g, COUNT(*) AS n FROM ({inner}) AS t "
        "GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))) AS s",
        params,
    )


def _conditions(periode, perimetre, natures, depuis, alias="a"):
    start = periode.debut if depuis is None else depuis
    conditions = [f"{alias}.date < %s", f"{alias}.nature = ANY(%s)"]
    params: list = [periode.fin, [str(n) for n in natures]]
    if start is not False:
        conditions.append(f"{alias}.date >= %s")
        params.append(start)
    if perimetre.mediateur is not None:
        conditions.append(f"{alias}.mediateur_id = %s")
        params.append(perimetre.mediateur.pk)
    else:
        where, scope_params = portee(perimetre, f"{alias}.mds_id")
        conditions.append(where)
        params.extend(scope_params)
    return conditions, params


def courantes(periode, perimetre, *, natures=(Nature.ACCOMPAGNEMENT,), depuis=None) -> tuple[str, list]:
    """Current session-log activities of the period and scope, read from the rollup
    (``pilotage.rollup``: one row per activity with its step counts by posture).

    ``depuis``: override the start (None = period start; ``False`` = no lower bound)."""
    conditions, params = _conditions(periode, perimetre, natures, depuis)
    return (
        "SELECT a.activite_id AS id, a.mds_id, a.date, a.nature, a.source, a.usager_id, a.mediateur_id, "
        "a.duree_minutes, a.n_demarches, a.n_a_la_place, a.n_avec, a.n_faire_faire, a.n_autonome "
        f"FROM {RESUMES} a WHERE a.courante AND " + " AND ".join(conditions),
        params,
    )


def courantes_journal(periode, perimetre, *, natures=(Nature.ACCOMPAGNEMENT,)) -> tuple[str, list]:
    """The same activities read straight from the session log (every column; used by the Coop export)."""
    conditions, params = _conditions(periode, perimetre, natures, None)
    conditions = [
        "a.annulee = false",
        f"NOT EXISTS (SELECT 1 FROM {ACTIVITES} b WHERE b.remplace_id = a.id)",
        *conditions,
    ]
    return f"SELECT a.* FROM {ACTIVITES} a WHERE " + " AND ".join(conditions), params


def mois_de(periode):
    return [(f"{m:%Y-%m}", libelle_mois(m)) for m in periode.douze_mois().mois_liste()]


# --- Visits ----------------------------------------------------------------------------------------


def accompagnements_par_mois(periode, perimetre):
    window = periode.douze_mois()
    if agregats.lisible(window, perimetre):
        return agregats.lire("source", window, perimetre, categorie="to_char(mois, 'YYYY-MM')")
    acts, params = courantes(window, perimetre)
    return grouper(f"SELECT mds_id, to_char(date, 'YYYY-MM') AS categorie FROM ({acts}) a", params)


def accompagnements_par_source(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.lire("source", periode, perimetre)
    acts, params = courantes(periode, perimetre)
    return grouper(f"SELECT mds_id, source AS categorie FROM ({acts}) a", params)


MODES = [("sans_rdv", "Sans rendez-vous"), ("rdv", "Sur rendez-vous")]


def accompagnements_par_mode(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.lire(
            "source", periode, perimetre, categorie="CASE WHEN categorie = 'rendez_vous' THEN 'rdv' ELSE 'sans_rdv' END"
        )
    acts, params = courantes(periode, perimetre)
    return grouper(
        f"SELECT mds_id, CASE WHEN source = 'rendez_vous' THEN 'rdv' ELSE 'sans_rdv' END AS categorie FROM ({acts}) a",
        params,
    )


VISITEURS = [("nouveaux", "Nouveaux usagers"), ("revenus", "Usagers déjà accompagnés avant la période")]


def usagers_nouveaux_revenus(periode, perimetre):
    return fenetres.lignes("usagers", periode, perimetre, lambda: _usagers_nouveaux_revenus(periode, perimetre))


def _usagers_nouveaux_revenus(periode, perimetre):
    """Distinct identified visitors accompanied in the period; "new" = first current accompaniment
    ever (any MDS, any mediator) inside the period, i.e. no current accompaniment before it (one
    indexed probe per visitor on ``(usager_id, date)`` instead of each visitor's whole history)."""
    acts, params = courantes(periode, perimetre)
    return sql(
        f"WITH p AS ({acts} AND a.usager_id IS NOT NULL), "
        "h AS (SELECT u.usager_id, EXISTS (SELECT 1 FROM "
        f"{RESUMES} r WHERE r.courante AND r.nature = 'accompagnement' AND r.usager_id = u.usager_id "
        "AND r.date < %s) AS ancien FROM (SELECT DISTINCT usager_id FROM p) u) "
        "SELECT mds_id, categorie, COUNT(DISTINCT usager_id) FROM ("
        "SELECT p.mds_id, p.usager_id, CASE WHEN h.ancien THEN 'revenus' ELSE 'nouveaux' END AS categorie "
        "FROM p JOIN h ON h.usager_id = p.usager_id) t GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))",
        [*params, periode.debut],
    )


ATTENTE = [
    ("passages", "Personnes venues sans rendez-vous"),
    ("mediane", "Attente médiane (min)"),
    ("p90", "Attente p90 (min)"),
]


def attente_sans_rdv(periode, perimetre):
    return fenetres.lignes(ACCUEIL + "attente", periode, perimetre, lambda: _attente_sans_rdv(periode, perimetre))


def _attente_sans_rdv(periode, perimetre):
    where, params = portee(perimetre)
    return sql(
        "SELECT mds_id, v.categorie, v.valeur FROM ("
        "SELECT mds_id, COUNT(*) AS n, "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY attente_secondes) / 60.0 AS med, "
        "percentile_cont(0.9) WITHIN GROUP (ORDER BY attente_secondes) / 60.0 AS p90 "
        f"FROM {PASSAGES} WHERE jour >= %s AND jour < %s AND source <> 'rendez_vous' AND attente_secondes IS NOT NULL "
        f"AND {where} GROUP BY GROUPING SETS ((mds_id), ())) s "
        "CROSS JOIN LATERAL (VALUES ('passages', s.n::numeric), ('mediane', ROUND(s.med::numeric, 1)), "
        "('p90', ROUND(s.p90::numeric, 1))) AS v(categorie, valeur)",
        [periode.debut, periode.fin, *params],
    )


ARRIVEES = [("sans_rdv", "Arrivées sans rendez-vous"), ("rdv", "Arrivées pour un rendez-vous")]


def arrivees(periode, perimetre):
    return fenetres.lignes(ACCUEIL + "arrivees", periode, perimetre, lambda: _arrivees(periode, perimetre))


def _arrivees(periode, perimetre):
    where, params = portee(perimetre)
    return grouper(
        "SELECT mds_id, CASE WHEN source = 'rendez_vous' THEN 'rdv' ELSE 'sans_rdv' END AS categorie "
        f"FROM {PASSAGES} WHERE jour >= %s AND jour < %s AND {where}",
        [periode.debut, periode.fin, *params],
    )


# --- Appointments ----------------------------------------------------------------------------------


def _rdv(periode, perimetre, colonne):
    def calcul():
        where, params = portee(perimetre)
        return grouper(
            f"SELECT mds_id, {colonne} AS categorie FROM {RENDEZ_VOUS} WHERE debut >= %s AND debut < %s AND {where}",
            [periode.debut_dt, periode.fin_dt, *params],
        )

    return fenetres.lignes(f"{ACCUEIL}rdv_{colonne}", periode, perimetre, calcul)


def rdv_par_statut(periode, perimetre):
    return _rdv(periode, perimetre, "statut")


def rdv_par_canal(periode, perimetre):
    return _rdv(periode, perimetre, "canal")


def rdv_par_motif(periode, perimetre):
    return fenetres.lignes(ACCUEIL + "rdv_motif", periode, perimetre, lambda: _rdv_par_motif(periode, perimetre))


def _rdv_par_motif(periode, perimetre):
    where, params = portee(perimetre, "r.mds_id")
    return grouper(
        f"SELECT r.mds_id, m.libelle AS categorie FROM {RENDEZ_VOUS} r JOIN {MOTIFS} m ON m.id = r.motif_id "
        f"WHERE r.debut >= %s AND r.debut < %s AND {where}",
        [periode.debut_dt, periode.fin_dt, *params],
    )


# --- Reminders (notifications outbox) -----------------------------------------------------------------

RAPPELS = [
    ("remis", "Envoyés et remis (accusé de réception)"),
    ("non_remis", "Envoyés, non remis"),
    ("sans_accuse", "Envoyés sans accusé (e-mail, ou en attente)"),
    ("echec", "Échec d'envoi"),
    ("annule", "Annulés (rendez-vous annulé, refus des messages…)"),
    ("planifie", "Planifiés"),
]
KINDS_RAPPEL = ["rappel_rdv_j2", "rappel_rdv_jour", "rappel_atelier"]


def rappels(periode, perimetre):
    return fenetres.lignes(ACCUEIL + "rappels", periode, perimetre, lambda: _rappels(periode, perimetre))


def _rappels(periode, perimetre):
    where, params = portee(perimetre)
    return grouper(
        "SELECT mds_id, CASE WHEN status = 'envoye' AND delivery = 'livre' THEN 'remis' "
        "WHEN status = 'envoye' AND delivery = 'non_livre' THEN 'non_remis' WHEN status = 'envoye' THEN 'sans_accuse' "
        "WHEN status IN ('echec', 'annule') THEN status ELSE 'planifie' END AS categorie "
        f"FROM {messages()} WHERE kind = ANY(%s) AND send_at >= %s AND send_at < %s AND {where}",
        [KINDS_RAPPEL, periode.debut_dt, periode.fin_dt, *params],
    )


def taux_remise_rappels(periode, perimetre):
    return fenetres.nombre(ACCUEIL + "remise", periode, perimetre, lambda: _taux_remise_rappels(periode, perimetre))


def _taux_remise_rappels(periode, perimetre):
    where, params = portee(perimetre)
    return _scalaire(
        "SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE status = 'envoye' AND delivery = 'livre') "
        "/ NULLIF(COUNT(*) FILTER (WHERE status IN ('envoye', 'echec')), 0), 1) "
        f"FROM {messages()} WHERE kind = ANY(%s) AND send_at >= %s AND send_at < %s AND {where}",
        [KINDS_RAPPEL, periode.debut_dt, periode.fin_dt, *params],
    )


# --- Démarches, outcomes, hand-offs -----------------------------------------------------------------


def _demarches(periode, perimetre, colonne, extra=""):
    """Démarches of the period's current accompaniments, from the démarche rollup (alias ``d``)."""
    if agregats.lisible(periode, perimetre):
        dimension = DIMENSIONS_DEMARCHES[colonne]
        filtre = "AND categorie <> ''" if extra else ""
        # A closed period's rows are stored too: the rollup holds one row per MDS, month and démarche
        # code seen, so its reading still grew with the data until every code had been used.
        return fenetres.lignes(
            f"agr:{dimension}{':x' if extra else ''}",
            periode,
            perimetre,
            lambda: agregats.lire(dimension, periode, perimetre, filtre=filtre),
        )
    conditions, params = _conditions(periode, perimetre, (Nature.ACCOMPAGNEMENT,), None, alias="d")
    condition = " AND ".join(["d.courante", *conditions])
    extra = extra.replace("WHERE", "AND")
    return grouper(f"SELECT d.mds_id, {colonne} AS categorie FROM {RESUMES_DEM} d WHERE {condition} {extra}", params)


DIMENSIONS_DEMARCHES = {
    "d.organisme_code": "organisme",
    "d.demarche_code": "demarche",
    "d.resultat": "resultat",
    "d.oriente_vers": "orientation",
}


def demarches_par_organisme(periode, perimetre):
    return _demarches(periode, perimetre, "d.organisme_code")


def demarches_par_procedure(periode, perimetre):
    return _demarches(periode, perimetre, "d.demarche_code", "WHERE d.demarche_code <> ''")


def demarches_par_resultat(periode, perimetre):
    return _demarches(periode, perimetre, "d.resultat", "WHERE d.resultat <> ''")


def orientations(periode, perimetre):
    return _demarches(periode, perimetre, "d.oriente_vers", "WHERE d.oriente_vers <> ''")


def organismes(_periode=None):
    return [(o.code, o.nom) for o in Organisme.objects.order_by("ordre", "nom")] + [
        ("", "Aide numérique (sans organisme)")
    ]


def libelles_demarches(codes):
    found = dict(Demarche.objects.filter(code__in=codes).values_list("code", "libelle"))
    orgs = dict(Demarche.objects.filter(code__in=codes).values_list("code", "organisme__nom"))
    return {c: f"{orgs.get(c) + ' — ' if orgs.get(c) else ''}{found.get(c, c)}" for c in codes}


# --- Postures and autonomy -------------------------------------------------------------------------


POSTURES_COLONNES = (
    "('a_la_place', a.n_a_la_place), ('avec', a.n_avec), ('faire_faire', a.n_faire_faire), ('autonome', a.n_autonome)"
)


def _etapes(periode, perimetre):
    """(mds_id, posture, number of steps) of the period's current activities (from the rollup)."""
    acts, params = courantes(periode, perimetre)
    return (
        f"SELECT a.mds_id, v.categorie, v.n FROM ({acts}) a "
        f"CROSS JOIN LATERAL (VALUES {POSTURES_COLONNES}) AS v(categorie, n)",
        params,
    )


def postures_parts(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.parts("posture", periode, perimetre)
    query, params = _etapes(periode, perimetre)
    return sql(
        "SELECT mds_id, categorie, ROUND(100.0 * n / NULLIF(SUM(n) OVER (PARTITION BY g, mds_id), 0), 1) FROM ("
        f"SELECT mds_id, categorie, GROUPING(mds_id) AS g, SUM(n) AS n FROM ({query}) AS t "
        "GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))) AS s",
        params,
    )


def postures_nombre(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.lire("posture", periode, perimetre)
    query, params = _etapes(periode, perimetre)
    return grouper(f"SELECT mds_id, categorie, n AS x FROM ({query}) q", params, "SUM(x)")


PROGRESSION = [
    ("usagers", "Usagers revenus (au moins 2 accompagnements avec étapes)"),
    ("premiere", "Part d'étapes autonomes au premier accompagnement (%)"),
    ("derniere", "Part d'étapes autonomes au dernier accompagnement de la période (%)"),
]


def progression_autonomie(periode, perimetre):
    return fenetres.lignes("progression", periode, perimetre, lambda: _progression_autonomie(periode, perimetre))


def _progression_autonomie(periode, perimetre):
    """For visitors seen in the period with ≥ 2 accompaniments that have steps (up to the end of the
    period): mean share of autonomous steps (faire faire + laisser faire) at their first
    accompaniment ever and at their last one of the period.

    Per visitor seen, two indexed ``LIMIT 1`` probes on ``(usager_id, date)`` fetch the first and the
    last accompaniment with steps; "≥ 2" is "first ≠ last" (the order by date, id is total)."""
    history, hparams = courantes(periode, perimetre, depuis=False)
    seen, sparams = courantes(periode, perimetre)
    total = "(a.n_a_la_place + a.n_avec + a.n_faire_faire + a.n_autonome)"
    part = f"100.0 * (a.n_faire_faire + a.n_autonome) / {total}"
    return sql(
        f"WITH vus AS (SELECT DISTINCT usager_id FROM ({seen}) a WHERE a.usager_id IS NOT NULL), "
        "par_usager AS (SELECT v.usager_id, d.mds_id, f.part AS premiere, d.part AS derniere, "
        "d.date AS derniere_date FROM vus v "
        f"CROSS JOIN LATERAL (SELECT a.id, a.mds_id, a.date, {part} AS part FROM ({history}) a "
        f"WHERE a.usager_id = v.usager_id AND {total} > 0 ORDER BY a.date DESC, a.id DESC LIMIT 1) d "
        f"CROSS JOIN LATERAL (SELECT a.id, {part} AS part FROM ({history}) a "
        f"WHERE a.usager_id = v.usager_id AND {total} > 0 ORDER BY a.date, a.id LIMIT 1) f "
        "WHERE f.id <> d.id AND d.date >= %s) "
        "SELECT mds_id, v.categorie, CASE WHEN v.categorie = 'usagers' THEN COUNT(*)::numeric "
        "ELSE ROUND(AVG(v.x), 1) END FROM par_usager "
        "CROSS JOIN LATERAL (VALUES ('usagers', NULL::numeric), ('premiere', premiere), ('derniere', derniere)) "
        "AS v(categorie, x) GROUP BY GROUPING SETS ((mds_id, v.categorie), (v.categorie))",
        [*sparams, *hparams, *hparams, periode.debut],
    )


# --- Time spent ------------------------------------------------------------------------------------

NATURES_TEMPS = Nature.choices


def heures_par_nature(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.lire("minutes", periode, perimetre, valeur="ROUND(SUM(valeur) / 60.0, 1)")
    acts, params = courantes(periode, perimetre, natures=Nature.values)
    return grouper(
        f"SELECT mds_id, nature AS categorie, duree_minutes AS x FROM ({acts}) a", params, "ROUND(SUM(x) / 60.0, 1)"
    )


def duree_mediane_par_nature(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.mediane(periode, perimetre, Nature.values)
    acts, params = courantes(periode, perimetre, natures=Nature.values)
    return grouper(
        f"SELECT mds_id, nature AS categorie, duree_minutes AS x FROM ({acts}) a",
        params,
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)",
    )


# --- Ateliers (through the ateliers app's statistics selectors) -------------------------------------

ATELIERS = [
    ("seances_tenues", "Séances tenues"),
    ("participants", "Participants"),
    ("places_offertes", "Places offertes"),
    ("taux_remplissage", "Taux de remplissage (%)"),
    ("annulations", "Séances annulées"),
    ("annulations_minimum", "Annulées faute de participants"),
]


def ateliers(periode, perimetre):
    return fenetres.lignes(ACCUEIL + "ateliers", periode, perimetre, lambda: _ateliers(periode, perimetre))


def _ateliers(periode, perimetre):
    from ateliers import selectors
    from ateliers.models import Seance

    qs = Seance.objects.all() if perimetre.departement else Seance.objects.filter(mds_id__in=perimetre.ids)
    if perimetre.mediateur is not None:
        qs = Seance.objects.filter(animateur=perimetre.mediateur)
    bounds = {"debut": periode.debut_dt, "fin": periode.fin_dt}
    rows = []
    per_mds = selectors.stats_par_mds(qs, **bounds)
    for row in per_mds:
        rows.extend((row["mds_id"], code, row[code]) for code, _ in ATELIERS)
    # The scope total is the sum of the MDS rows (séances belong to one MDS), the rate recomputed.
    total = {code: sum(r[code] or 0 for r in per_mds) for code, _ in ATELIERS if code != "taux_remplissage"}
    places = total["places_offertes"]
    total["taux_remplissage"] = round(100 * total["participants"] / places, 1) if places else None
    rows.extend((None, code, total[code]) for code, _ in ATELIERS)
    return rows


# --- Visitor profile (distinct people × personal attribute → statistical secrecy) ------------------


def _bande(champ):
    def compute(periode, perimetre):
        acts, params = courantes(periode, perimetre)
        return grouper(
            f"SELECT a.mds_id, u.{champ} AS categorie, a.usager_id AS x FROM ({acts}) a "
            f"JOIN {USAGERS} u ON u.id = a.usager_id",
            params,
            "COUNT(DISTINCT x)",
        )

    return compute


# --- Desk capacity ---------------------------------------------------------------------------------

CAPACITE = [
    ("ouverture", "Heures d'ouverture du point de médiation"),
    ("accompagnement", "Heures d'accompagnement individuel"),
    ("taux", "Utilisation (%)"),
]


def jours_feries(periode) -> list[dt.date]:
    years = range(periode.debut.year, periode.fin.year + 1)
    return sorted(d for d in holidays.France(years=years) if periode.debut <= d < periode.fin)


def capacite(periode, perimetre):
    """Opening hours (weekly ranges × open days of the period, minus public holidays and closures)
    against hours of individual accompaniment logged."""
    where, params = portee(perimetre, "p.mds_id")
    acts, aparams = courantes(periode, perimetre)
    acc = f"SELECT mds_id, SUM(duree_minutes) / 60.0 AS h FROM ({acts}) a GROUP BY mds_id"
    if agregats.lisible(periode, perimetre):
        acc, aparams = agregats.heures_accompagnement(periode, perimetre)
    return sql(
        "WITH jours AS (SELECT d::date AS jour FROM generate_series(%s::date, %s::date - 1, '1 day') AS d "
        "WHERE NOT (d::date = ANY(%s::date[]))), "
        "ouv AS (SELECT p.mds_id, SUM(EXTRACT(EPOCH FROM (p.fin - p.debut)) / 3600.0) AS h "
        f"FROM jours j JOIN {PLAGES} p ON p.jour = EXTRACT(ISODOW FROM j.jour)::int - 1 WHERE {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {FERMETURES} f WHERE f.mds_id = p.mds_id AND j.jour BETWEEN f.date_debut "
        "AND f.date_fin) GROUP BY p.mds_id), "
        f"acc AS ({acc}), "
        "m AS (SELECT COALESCE(ouv.mds_id, acc.mds_id) AS mds_id, COALESCE(ouv.h, 0) AS o, COALESCE(acc.h, 0) AS h "
        "FROM ouv FULL OUTER JOIN acc ON acc.mds_id = ouv.mds_id), "
        "s AS (SELECT mds_id, SUM(o) AS o, SUM(h) AS h FROM m GROUP BY GROUPING SETS ((mds_id), ())) "
        "SELECT mds_id, v.categorie, v.valeur FROM s CROSS JOIN LATERAL (VALUES "
        "('ouverture', ROUND(o::numeric, 1)), ('accompagnement', ROUND(h::numeric, 1)), "
        "('taux', ROUND((100 * h / NULLIF(o, 0))::numeric, 1))) AS v(categorie, valeur)",
        [periode.debut, periode.fin, jours_feries(periode), *params, *aparams],
    )


# --- The list shown on dashboards and in reports (order = reading order) ----------------------------

INDICATEURS: list[Indicateur] = [
    Indicateur("accompagnements_mois", "Accompagnements individuels par mois (12 mois)", accompagnements_par_mois,
               mois_de, unite="accompagnements", graphique="courbe", entete="Mois", tendance=True),
    Indicateur("usagers", "Usagers distincts accompagnés : nouveaux et déjà accompagnés", usagers_nouveaux_revenus,
               VISITEURS, unite="personnes", entete="Usagers",
               note="Les accompagnements anonymes sont comptés dans l'activité mais pas comme usagers distincts."),
    Indicateur("sources", "Accompagnements selon la venue", accompagnements_par_source, Source.choices,
               unite="accompagnements", entete="Venue"),
    Indicateur("mode", "Accompagnements sans ou sur rendez-vous", accompagnements_par_mode, MODES,
               unite="accompagnements", entete="Mode"),
    Indicateur("arrivees", "Arrivées enregistrées à l'accueil", arrivees, ARRIVEES, unite="passages",
               entete="Arrivée"),
    Indicateur("attente", "Attente des personnes venues sans rendez-vous", attente_sans_rdv, ATTENTE,
               additif=False, graphique="", entete="Mesure",
               note="Attente entre l'arrivée et la prise en charge, en minutes (médiane et 90e centile)."),
    Indicateur("rdv_statut", "Rendez-vous selon leur issue", rdv_par_statut, StatutRendezVous.choices,
               unite="rendez-vous", entete="Statut"),
    Indicateur("rdv_canal", "Rendez-vous selon le canal de réservation", rdv_par_canal, CanalReservation.choices,
               unite="rendez-vous", entete="Réservé par"),
    Indicateur("rdv_motif", "Rendez-vous par motif", rdv_par_motif, None, unite="rendez-vous", entete="Motif",
               par_categorie=True),
    Indicateur("rappels", "Rappels de rendez-vous et d'ateliers (SMS, e-mail)", rappels, RAPPELS,
               unite="messages", entete="Issue",
               note="Taux de remise : envoyés et remis / (envoyés + échecs) ; l'e-mail n'a pas d'accusé."),
    Indicateur("demarches_organisme", "Démarches par organisme", demarches_par_organisme, organismes,
               unite="démarches", entete="Organisme"),
    Indicateur("demarches_procedure", "Démarches les plus fréquentes", demarches_par_procedure, None,
               unite="démarches", entete="Démarche", par_categorie=True, libelles=libelles_demarches, limite=15),
    Indicateur("resultats", "Résultat des démarches", demarches_par_resultat, Resultat.choices,
               unite="démarches", entete="Résultat"),
    Indicateur("orientations", "Orientations (passages de relais)", orientations,
               [c for c in SensOrientation.choices if c[0] != SensOrientation.VERS_MEDIATION],
               unite="démarches", entete="Orientation"),
    Indicateur("postures", "Postures : part des étapes (%)", postures_parts, Posture.choices, unite="%",
               additif=False, entete="Posture",
               note="À la place et avec : entièrement accompagné ; faire faire : partiellement autonome ; "
               "laisser faire : autonome (codes de La Coop)."),
    Indicateur("postures_nombre", "Postures : nombre d'étapes", postures_nombre, Posture.choices,
               unite="étapes", entete="Posture", graphique=""),
    Indicateur("progression", "Progression de l'autonomie des usagers revenus", progression_autonomie, PROGRESSION,
               additif=False, graphique="", entete="Mesure"),
    Indicateur("temps", "Temps passé (heures) selon le type d'activité", heures_par_nature, NATURES_TEMPS,
               unite="heures", entete="Type"),
    Indicateur("duree_mediane", "Durée médiane (minutes) selon le type d'activité", duree_mediane_par_nature,
               NATURES_TEMPS, unite="minutes", additif=False, graphique="", entete="Type"),
    Indicateur("ateliers", "Ateliers", ateliers, ATELIERS, additif=False, graphique="", entete="Mesure",
               note="Taux de remplissage : participants / places offertes des séances tenues."),
    Indicateur("profil_genre", "Profil des usagers accompagnés : genre", _bande("genre"), Genre.choices,
               personnes=True, unite="personnes", entete="Genre"),
    Indicateur("profil_age", "Profil des usagers accompagnés : tranche d'âge", _bande("tranche_age"),
               TrancheAge.choices, personnes=True, unite="personnes", entete="Tranche d'âge"),
    Indicateur("profil_statut", "Profil des usagers accompagnés : statut social", _bande("statut_social"),
               StatutSocial.choices, personnes=True, unite="personnes", entete="Statut social"),
    Indicateur("profil_langue", "Profil des usagers accompagnés : langue préférée", _bande("langue"),
               Langue.choices, personnes=True, unite="personnes", entete="Langue"),
    Indicateur("capacite", "Utilisation du point de médiation", capacite, CAPACITE, additif=False, graphique="",
               entete="Mesure",
               note="Heures d'ouverture : plages hebdomadaires, hors jours fériés et fermetures exceptionnelles."),
]  # fmt: skip

# Indicators that make sense for one mediator's own activity (filtered on their own acts).
CLES_MEDIATEUR = {
    "accompagnements_mois",
    "sources",
    "mode",
    "demarches_organisme",
    "resultats",
    "orientations",
    "postures",
    "postures_nombre",
    "temps",
    "duree_mediane",
    "ateliers",
    "nb_accompagnements",
    "nb_demarches",
    "heures",
    "part_autonome",
}


def par_cle() -> dict[str, Indicateur]:
    return {i.cle: i for i in INDICATEURS}


# --- Key figures (one number for the scope, compared with the previous period) ----------------------


def _nombre(value):
    return float(value) if hasattr(value, "as_integer_ratio") and not isinstance(value, int) else value


def _scalaire(query, params):
    return _nombre(sql(query, params)[0][0])


def nb_accompagnements(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.scalaire("source", periode, perimetre, "COALESCE(SUM(valeur), 0)::bigint")
    acts, params = courantes(periode, perimetre)
    return _scalaire(f"SELECT COUNT(*) FROM ({acts}) a", params)


def nb_usagers(periode, perimetre):
    acts, params = courantes(periode, perimetre)
    return fenetres.nombre(
        "nb_usagers", periode, perimetre, lambda: _scalaire(f"SELECT COUNT(DISTINCT usager_id) FROM ({acts}) a", params)
    )


def nb_demarches(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return agregats.scalaire("demarches", periode, perimetre, "COALESCE(SUM(valeur), 0)::bigint")
    acts, params = courantes(periode, perimetre)
    return _scalaire(f"SELECT COALESCE(SUM(n_demarches), 0) FROM ({acts}) a", params)


def heures(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return _nombre(agregats.scalaire("minutes", periode, perimetre, "ROUND(COALESCE(SUM(valeur), 0) / 60.0, 1)"))
    acts, params = courantes(periode, perimetre, natures=Nature.values)
    return _scalaire(f"SELECT ROUND(COALESCE(SUM(duree_minutes), 0) / 60.0, 1) FROM ({acts}) a", params)


def part_autonome(periode, perimetre):
    if agregats.lisible(periode, perimetre):
        return _nombre(
            agregats.scalaire(
                "posture", periode, perimetre,
                "ROUND(100.0 * SUM(valeur) FILTER (WHERE categorie IN ('faire_faire', 'autonome')) "
                "/ NULLIF(SUM(valeur), 0), 1)",
            )
        )  # fmt: skip
    acts, params = courantes(periode, perimetre)
    return _scalaire(
        "SELECT ROUND(100.0 * SUM(n_faire_faire + n_autonome) "
        f"/ NULLIF(SUM(n_a_la_place + n_avec + n_faire_faire + n_autonome), 0), 1) FROM ({acts}) a",
        params,
    )


def attente_mediane(periode, perimetre):
    return fenetres.nombre(ACCUEIL + "attente_med", periode, perimetre, lambda: _attente_mediane(periode, perimetre))


def _attente_mediane(periode, perimetre):
    where, params = portee(perimetre)
    return _scalaire(
        "SELECT ROUND((percentile_cont(0.5) WITHIN GROUP (ORDER BY attente_secondes) / 60.0)::numeric, 1) "
        f"FROM {PASSAGES} WHERE jour >= %s AND jour < %s AND source <> 'rendez_vous' AND attente_secondes IS NOT NULL "
        f"AND {where}",
        [periode.debut, periode.fin, *params],
    )


def taux_absence(periode, perimetre):
    return fenetres.nombre(ACCUEIL + "absence", periode, perimetre, lambda: _taux_absence(periode, perimetre))


def _taux_absence(periode, perimetre):
    where, params = portee(perimetre)
    return _scalaire(
        "SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE statut = 'absent') "
        "/ NULLIF(COUNT(*) FILTER (WHERE statut IN ('absent', 'honore')), 0), 1) "
        f"FROM {RENDEZ_VOUS} WHERE debut >= %s AND debut < %s AND {where}",
        [periode.debut_dt, periode.fin_dt, *params],
    )


CHIFFRES_CLES = [
    # (key, label, function, unit)
    ("nb_accompagnements", "Accompagnements individuels", nb_accompagnements, ""),
    ("nb_usagers", "Usagers distincts accompagnés", nb_usagers, ""),
    ("nb_demarches", "Démarches", nb_demarches, ""),
    ("heures", "Heures d'activité (accompagnements et ateliers)", heures, "h"),
    ("part_autonome", "Part d'étapes faites par la personne (faire faire, laisser faire)", part_autonome, "%"),
    ("attente_mediane", "Attente médiane sans rendez-vous", attente_mediane, "min"),
    ("taux_absence", "Taux d'absence aux rendez-vous", taux_absence, "%"),
    ("taux_remise_rappels", "Rappels remis (accusé de réception)", taux_remise_rappels, "%"),
]
