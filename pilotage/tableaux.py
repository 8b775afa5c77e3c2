"""Tables of the dashboards and of the monthly report, built from one SQL aggregate per indicator.

An indicator (``pilotage.indicators``) returns raw rows ``(mds_id or None, categorie, valeur)``
computed with ``GROUPING SETS`` (per MDS and for the whole scope in the same query). This module
pivots them into a :class:`Tableau`:

- one MDS (director, mediator): one row per category, one column;
- several MDS / Département (coordinateur): one row per MDS, one column per category, plus the total.

Tables that count distinct people crossed with a personal attribute are cut from the period's one
secrecy decision (``pilotage.publications``) before anyone sees them (screens, exports, reports)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .secrecy import LEGENDE


@dataclass
class Tableau:
    cle: str
    titre: str
    entete_lignes: str
    colonnes: list[str]
    lignes: list[tuple[str, list]]  # (label, displayed values)
    total: list | None = None  # displayed values of the total row
    total_colonne: bool = False  # last column is the row total
    unite: str = ""
    note: str = ""
    personnes: bool = False  # secrecy applied
    graphique: str = "barres"  # "barres" | "courbe" | ""
    serie_graphique: list[tuple[str, float | None]] = field(default_factory=list)
    vide: bool = False
    non_publie: str = ""  # people table not published for this period: why (pilotage.publications.refus)
    suggestion: object = None  # the nearest period where it is (a Periode), for a link

    @property
    def legende_secret(self) -> str:
        return LEGENDE if self.personnes else ""

    def en_tetes(self) -> list[str]:
        heads = [self.entete_lignes, *self.colonnes]
        if self.total_colonne:
            heads.append("Total")
        return heads

    def rangees(self) -> list[list]:
        """Every row as displayed (label first), the total row last: what exports write."""
        rows = [[label, *values] for label, values in self.lignes]
        if self.total is not None:
            rows.append(["Total", *self.total])
        return rows


@dataclass(frozen=True)
class Indicateur:
    cle: str
    titre: str
    fonction: object  # (periode, perimetre) -> list[(mds_id|None, categorie, valeur)]
    categories: object  # list[(code, label)] or callable(periode) -> list
    unite: str = ""
    personnes: bool = False  # distinct people × personal attribute → secrecy
    additif: bool = True  # total = sum of the parts (counts); False for medians, rates…
    note: str = ""
    graphique: str = "barres"
    entete: str = "Catégorie"
    tendance: bool = False  # categories are the months of the period
    par_categorie: bool = False  # always one row per category (scope total), even for several MDS
    libelles: object = None  # callable(codes) -> {code: label} when categories come from the data
    limite: int = 0  # keep the N most frequent categories (data-driven categories only)

    def liste_categories(self, periode, raw=()):
        if self.categories is None:
            totals = sorted(((v or 0, c) for m, c, v in raw if m is None), key=lambda t: (-t[0], str(t[1])))
            codes = [c for _, c in totals]
            if self.limite:
                codes = codes[: self.limite]
            labels = self.libelles(codes) if self.libelles else {}
            return [(c, labels.get(c, c) or "Non renseigné") for c in codes]
        return self.categories(periode) if callable(self.categories) else list(self.categories)


def _number(value):
    """Decimal/float from SQL → int when whole, else float rounded to one decimal."""
    if value is None or isinstance(value, int):
        return value
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value


def _format(value, unite):
    return "–" if value is None else _number(value)


NOTE_SELECTION = (
    "Sélection de MDS : pas de ligne « Total » dans les tableaux de personnes (secret statistique) ; "
    "les totaux du Département sont sur la vue Département."
)


# The per-MDS key figures of a Département or a selection: (table read, column label). Every one is
# the « Total » column of a table computed anyway (no extra query).
SYNTHESE_PAR_MDS = [
    ("sources", "Accompagnements"),
    ("usagers", "Usagers distincts"),
    ("demarches_organisme", "Démarches"),
    ("temps", "Heures d'activité"),
    ("arrivees", "Arrivées à l'accueil"),
    ("rdv_statut", "Rendez-vous"),
]


def synthese_par_mds(tableaux) -> Tableau | None:
    """« Chiffres clés par MDS »: one row per MDS, the totals of the main tables side by side."""
    by_key = {t.cle: t for t in tableaux if t.total_colonne and t.lignes}
    chosen = [(cle, label) for cle, label in SYNTHESE_PAR_MDS if cle in by_key]
    if not chosen:
        return None
    names = [name for name, _ in by_key[chosen[0][0]].lignes]
    columns = {cle: dict(by_key[cle].lignes) for cle, _ in chosen}
    lignes = [(name, [columns[cle].get(name, [None])[-1] for cle, _ in chosen]) for name in names]
    total = [by_key[cle].total[-1] if by_key[cle].total else None for cle, _ in chosen]
    return Tableau(
        cle="par_mds", titre="Chiffres clés par MDS", entete_lignes="MDS", colonnes=[label for _, label in chosen],
        lignes=lignes, total=total, graphique="",
        note="Mêmes définitions que les tableaux de la page ; le total des usagers distincts compte une seule "
        "fois une personne venue dans plusieurs MDS.",
    )  # fmt: skip


SANS_DECISION = "Profil des usagers : pas de décision de secret statistique pour cette période, rien n'est publié."


def construire_refus(indicateur: Indicateur, message: str, suggestion=None) -> Tableau:
    """A people table not published for this period: no cell at all, the reason instead."""
    return Tableau(
        cle=indicateur.cle, titre=indicateur.titre, entete_lignes=indicateur.entete, colonnes=[], lignes=[],
        unite=indicateur.unite, note=indicateur.note, personnes=True, graphique="", non_publie=message,
        suggestion=suggestion,
    )  # fmt: skip


def construire_personnes(indicateur: Indicateur, periode, perimetre, noms_mds: dict[int, str], decision) -> Tableau:
    """A people table cut from the period's one secrecy decision (``pilotage.publications``): the
    Département's table, the row of one MDS, or the rows of a selection (without a total row)."""
    categories = indicateur.liste_categories(periode)
    labels = [label for _, label in categories]
    table = decision.table
    withheld = table.retenue

    def shown(cells):
        return [None if withheld else c.affichage for c in cells]

    def serie_of(cells):
        return [(label, None if withheld or c.masquee else c.valeur) for label, c in zip(labels, cells, strict=False)]

    common = {
        "cle": indicateur.cle,
        "titre": indicateur.titre,
        "unite": indicateur.unite,
        "note": indicateur.note,
        "personnes": True,
        "graphique": indicateur.graphique,
    }
    if perimetre.plusieurs:
        ids = [pk for pk in noms_mds if pk in decision.mds_ids and (perimetre.departement or pk in perimetre.ids)]
        lignes = [(noms_mds[pk], shown(decision.ligne(pk))) for pk in ids]
        vide = not any(decision.ligne(pk)[-1].valeur for pk in ids)
        if perimetre.departement:
            return Tableau(
                entete_lignes="MDS", colonnes=labels, lignes=lignes, total=shown(decision.totaux),
                total_colonne=True, serie_graphique=serie_of(decision.totaux), vide=vide, **common,
            )  # fmt: skip
        # The chart of a selection sums the published cells only (a category with a hidden cell: none).
        sums = []
        for k, label in enumerate(labels):
            cells = [decision.ligne(pk)[k] for pk in ids]
            sums.append((label, None if withheld or any(c.masquee for c in cells) else sum(c.valeur for c in cells)))
        common["note"] = " ".join(filter(None, [indicateur.note, NOTE_SELECTION]))
        return Tableau(
            entete_lignes="MDS", colonnes=labels, lignes=lignes, total=None, total_colonne=True,
            serie_graphique=sums, vide=vide, **common,
        )  # fmt: skip
    row = decision.ligne(perimetre.ids[0]) if perimetre.ids and perimetre.ids[0] in decision.mds_ids else None
    column = [f"Valeur ({indicateur.unite})" if indicateur.unite else "Effectif"]
    if row is None:
        return Tableau(entete_lignes=indicateur.entete, colonnes=column, lignes=[], vide=True, **common)
    values = shown(row)
    return Tableau(
        entete_lignes=indicateur.entete, colonnes=column,
        lignes=[(label, [v]) for label, v in zip(labels, values[:-1], strict=True)], total=[values[-1]],
        serie_graphique=serie_of(row[:-1]), vide=not row[-1].valeur, **common,
    )  # fmt: skip


def construire(indicateur: Indicateur, periode, perimetre, noms_mds: dict[int, str], decision=None) -> Tableau:
    """Pivot the indicator's rows into a table for the scope (see module docstring). A people table
    is only ever cut from the period's one secrecy decision: without one, nothing is published."""
    if indicateur.personnes:
        if decision is None:
            return construire_refus(indicateur, SANS_DECISION)
        return construire_personnes(indicateur, periode, perimetre, noms_mds, decision)
    raw = [(m, c, _number(v)) for m, c, v in indicateur.fonction(periode, perimetre)]
    categories = indicateur.liste_categories(periode, raw)
    codes = [code for code, _ in categories]
    labels = [label for _, label in categories]
    by_mds: dict = {}
    for mds_id, categorie, valeur in raw:
        if categorie not in codes:
            continue
        by_mds.setdefault(mds_id, {})[categorie] = valeur
    empty_value = 0 if indicateur.additif else None
    total = by_mds.get(None, {})
    vide = not any(v for v in total.values() if v)

    common = {
        "cle": indicateur.cle,
        "titre": indicateur.titre,
        "unite": indicateur.unite,
        "note": indicateur.note,
        "personnes": indicateur.personnes,
        "graphique": indicateur.graphique,
        "vide": vide,
    }
    if perimetre.plusieurs and not indicateur.par_categorie:
        mds_ids = [pk for pk in noms_mds if perimetre.departement or pk in perimetre.ids]
        matrix = [[by_mds.get(pk, {}).get(code, empty_value) for code in codes] for pk in mds_ids]
        names = [noms_mds[pk] for pk in mds_ids]
        total_row = [total.get(code, empty_value) for code in codes]
        serie = list(zip(labels, total_row, strict=True))
        lignes = [(name, [_format(v, indicateur.unite) for v in row]) for name, row in zip(names, matrix, strict=True)]
        total_values = [_format(v, indicateur.unite) for v in total_row]
        if indicateur.additif:
            lignes = [(name, [*row, sum(v or 0 for v in row)]) for name, row in lignes]
            total_values.append(sum(v or 0 for v in total_row))
        return Tableau(
            entete_lignes="MDS", colonnes=labels, lignes=lignes, total=total_values,
            total_colonne=indicateur.additif, serie_graphique=serie, **common,
        )  # fmt: skip

    values = [total.get(code, empty_value) for code in codes]
    serie = list(zip(labels, values, strict=True))
    # « Effectif » for counts only: a table of measures (rates, medians, hours) says « Valeur ».
    column = [f"Valeur ({indicateur.unite})" if indicateur.unite else ("Effectif" if indicateur.additif else "Valeur")]
    lignes = [(label, [_format(v, indicateur.unite)]) for label, v in zip(labels, values, strict=True)]
    total_values = [sum(v or 0 for v in values)] if indicateur.additif and not indicateur.tendance else None
    if indicateur.additif and indicateur.tendance:
        total_values = [sum(v or 0 for v in values)]
    return Tableau(
        entete_lignes=indicateur.entete, colonnes=column, lignes=lignes, total=total_values,
        serie_graphique=serie, **common,
    )  # fmt: skip
