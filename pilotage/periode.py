"""Period and scope of a dashboard or a report, read from the URL's query string.

Period: ``?periode=mois|trimestre|12mois&mois=2026-10``. ``mois`` is the reference month: the month
itself, the calendar quarter that contains it, or the 12 months that end with it. Invalid input never
raises: the default period (current month) is used and a French message explains why.

Scope (coordinateurs): ``?mds=MAL&mds=MAR`` — no ``mds`` means the whole Département. A director's
scope is always their current MDS; asking for another one is a 404 (see ``views``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from core.dates import PARIS

TYPES = {"mois": "Mois", "trimestre": "Trimestre", "12mois": "12 mois"}
MOIS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# Abbreviations of the Imprimerie nationale (never a cut word: « avr. », not « avri »).
MOIS_ABREGES = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
MOIS_RE = re.compile(r"^(\d{4})-(\d{2})$")
# Oldest month a dashboard accepts (the experiment started in 2024; older data is not kept).
PREMIER_MOIS = dt.date(2020, 1, 1)


def libelle_mois(day: dt.date) -> str:
    return f"{MOIS_FR[day.month - 1]} {day.year}"


def jour_fr(day: dt.date) -> str:
    """« 1er décembre 2026 », « 14 novembre 2026 »."""
    return f"{'1er' if day.day == 1 else day.day} {MOIS_FR[day.month - 1]} {day.year}"


def comparaison(periode: Periode, today: dt.date | None = None) -> tuple[Periode, Periode, str]:
    """(period shown, period compared, label). The month in progress is compared like for like:
    its days so far against the same days of the previous month, labelled as such."""
    today = today or timezone.localdate()
    if periode.type == "mois" and periode.mois == mois_courant(today):
        shown = Periode("mois", periode.mois, jours=today.day)
        previous = Periode("mois", periode.mois - relativedelta(months=1), jours=today.day)
        label = f"au {jour_fr(today)}, comparé à la même durée du mois précédent ({previous.libelle})"
        return shown, previous, label
    previous = periode.precedente()
    return periode, previous, f"comparé à {previous.libelle}"


def abreger_mois(label: str) -> str:
    """« avril 2026 » → « avr. 2026 » (labels that are not a month are returned unchanged)."""
    words = str(label).split(" ")
    if words and words[0] in MOIS_FR:
        words[0] = MOIS_ABREGES[MOIS_FR.index(words[0])]
    return " ".join(words)


def mois_courant(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today.replace(day=1)


@dataclass(frozen=True)
class Periode:
    type: str  # "mois" | "trimestre" | "12mois"
    mois: dt.date  # first day of the reference month
    jours: int | None = None  # month only: its first N days (like-for-like comparison of the current month)

    @property
    def debut(self) -> dt.date:
        if self.type == "mois":
            return self.mois
        if self.type == "trimestre":
            return self.mois.replace(month=3 * ((self.mois.month - 1) // 3) + 1)
        return self.mois - relativedelta(months=11)

    @property
    def fin(self) -> dt.date:
        """First day after the period (exclusive bound)."""
        if self.type == "trimestre":
            return self.debut + relativedelta(months=3)
        end = self.mois + relativedelta(months=1)
        if self.jours:
            end = min(end, self.mois + dt.timedelta(days=self.jours))
        return end

    @property
    def debut_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.debut, dt.time.min, tzinfo=PARIS)

    @property
    def fin_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.fin, dt.time.min, tzinfo=PARIS)

    @property
    def nb_mois(self) -> int:
        return {"mois": 1, "trimestre": 3, "12mois": 12}[self.type]

    def mois_liste(self) -> list[dt.date]:
        return [self.debut + relativedelta(months=k) for k in range(self.nb_mois)]

    def precedente(self) -> Periode:
        return Periode(self.type, self.mois - relativedelta(months=self.nb_mois))

    def douze_mois(self) -> Periode:
        """The 12 months ending with this period: the window of trend charts."""
        return Periode("12mois", (self.fin - relativedelta(months=1)))

    @property
    def libelle(self) -> str:
        if self.type == "mois" and self.jours:
            return f"du 1er au {jour_fr(self.fin - dt.timedelta(days=1))}"
        if self.type == "mois":
            return libelle_mois(self.mois)
        if self.type == "trimestre":
            return f"{(self.debut.month - 1) // 3 + 1}e trimestre {self.debut.year}"
        return f"{libelle_mois(self.debut)} – {libelle_mois(self.mois)}"

    @property
    def mois_param(self) -> str:
        return f"{self.mois:%Y-%m}"

    def params(self) -> dict:
        return {"periode": self.type, "mois": self.mois_param}


def parse_mois(value: str | None) -> dt.date | None:
    match = MOIS_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1)


def periode_depuis(params, today: dt.date | None = None, premier: dt.date | None = None) -> tuple[Periode, str | None]:
    """(period, error message or None) from a QueryDict-like mapping. Never raises."""
    default = Periode("mois", mois_courant(today))
    type_ = params.get("periode") or "mois"
    raw_mois = params.get("mois")
    problems = []
    if type_ not in TYPES:
        problems.append("le type de période demandé n'existe pas")
        type_ = "mois"
    mois = default.mois
    if raw_mois:
        parsed = parse_mois(raw_mois)
        if parsed is None:
            problems.append("le mois doit être écrit AAAA-MM, par exemple 2026-10")
        elif parsed > default.mois:
            problems.append("le mois demandé est dans le futur")
        elif parsed < max(PREMIER_MOIS, premier.replace(day=1) if premier else PREMIER_MOIS):
            start = max(PREMIER_MOIS, premier.replace(day=1) if premier else PREMIER_MOIS)
            problems.append(f"les données commencent en {libelle_mois(start)}")
        else:
            mois = parsed
    if problems:
        return default, "Période invalide (" + " ; ".join(problems) + ") : affichage du mois en cours."
    return Periode(type_, mois), None


@dataclass(frozen=True)
class Perimetre:
    """Which MDS a figure covers. ``departement`` = every active MDS."""

    mds: tuple = field(default_factory=tuple)
    departement: bool = False
    mediateur: object = None  # a User: "my activity" (only their own acts)

    @property
    def ids(self) -> list[int]:
        return [m.pk for m in self.mds]

    @property
    def libelle(self) -> str:
        if self.mediateur is not None:
            return "Mon activité"
        if self.departement:
            return "Département des Bouches-du-Rhône (toutes les MDS)"
        return ", ".join(m.nom for m in self.mds)

    @property
    def plusieurs(self) -> bool:
        if self.mediateur is not None:
            return False
        return self.departement or len(self.mds) > 1

    def params(self) -> dict:
        if self.departement or self.mediateur is not None:
            return {}
        return {"mds": [m.code for m in self.mds]}
