# ruff: noqa: S608 — SQL text is built from table names only; every value is a parameter.
"""Visitor-level figures of closed periods, computed once and stored (``pilotage_figurefenetre``).

Distinct visitors, new / returning visitors and the autonomy progression are not additive: the
figure of a quarter or of 12 months is not a sum of monthly figures (a person who came in two
months is one person), and « new » and « progression » depend on each visitor's whole history.
They are computed by the live indicator queries once per CLOSED period — a month, a calendar
quarter or 12 months that end on or before the first day of the current month — and scope (each
MDS, the Département, a selection), then read back as stored. The period's statistical-secrecy
decisions (``pilotage.publications``: 17 nested periods for 12 months) are stored the same way.
The current month, and any period that contains it, is computed live.

Why whole-period results rather than a per-(MDS, month, visitor) table: such a table still grows
with the data (a 12-month count scans every visitor-month of the year, and « new » / « progression »
still probe each visitor's history), while a stored result is a handful of rows whatever the volume;
the price is one computation per closed period and scope (done ahead by the beat task for the last
closed month, otherwise at the first view) and an invalidation rule:

- a session-log entry (new, corrected or cancelled) dated in month M — or moving an act out of
  month M — removes every stored period that ends after the start of M (the figure of a later
  period may depend on M through « new » and « first accompaniment »); ``pilotage.rollup`` calls
  ``invalider`` in the same transaction;
- a visitor record edited after a stored decision was computed removes the secrecy decisions of the
  periods where that visitor was accompanied (profiles are read from the record: ``suivre_fiches``,
  every 5 minutes from beat);
- a desk row (queue passage, appointment, reminder, séance or registration) dated in a closed month
  written, changed or deleted — its issue marked late, an SMS delivered, a séance closed, a purge —
  is noted by PostgreSQL triggers (``ModificationTardive``); ``suivre_accueil``, run before every
  refresh, drops the stored desk figures (keys ``accueil:…``) of the periods containing that month;
- a change to the secrecy rule's code changes the stored key (its fingerprint): nothing stale is read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import inspect
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.locks import advisory_lock

from . import agregats, masques, publications, secrecy
from .models import FigureFenetre
from .periode import Perimetre, Periode, mois_courant
from .tables import FIGURES, MODIFICATIONS, RESUMES, USAGERS


def _empreinte_regle() -> str:
    source = inspect.getsource(secrecy) + inspect.getsource(publications) + inspect.getsource(masques)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


EMPREINTE_REGLE = _empreinte_regle()


def close(periode: Periode, today: dt.date | None = None) -> bool:
    """A period of whole months that ends on or before the first day of the current month."""
    return agregats.mois_entiers(periode) and periode.fin <= mois_courant(today)


def ids_cle(ids) -> str:
    text = ",".join(str(pk) for pk in sorted(ids))
    return text if len(text) <= 150 else "h:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def cle_perimetre(perimetre: Perimetre) -> str | None:
    """The stored scope: the Département, or the sorted MDS ids; None (never stored) for a mediator."""
    if perimetre.mediateur is not None:
        return None
    return "departement" if perimetre.departement else "mds:" + ids_cle(perimetre.ids)


# --- Encoding (JSON) --------------------------------------------------------------------------------


def _valeur(value):
    return ["D", str(value)] if isinstance(value, Decimal) else value


def _lire_valeur(value):
    return Decimal(value[1]) if isinstance(value, list) else value


def _nombre(value):
    """A key figure; ``None`` (no wait recorded, no reminder sent) as a list: the column is not null."""
    return ["N"] if value is None else _valeur(value)


def _lire_nombre(content):
    return None if content == ["N"] else _lire_valeur(content)


def encoder_lignes(rows):
    return [[m, c, _valeur(v)] for m, c, v in rows]


def decoder_lignes(content):
    return [(m, c, _lire_valeur(v)) for m, c, v in content]


_FORME = (
    {f.name for f in dataclasses.fields(publications.Decision)} == {"mds_ids", "codes", "table"}
    and {f.name for f in dataclasses.fields(secrecy.TableProtegee)} == {"etendue", "retenue"}
    and {f.name for f in dataclasses.fields(secrecy.Cellule)} == {"valeur", "statut"}
)


def encoder_decisions(decided: dict):
    """The decisions of a period as JSON, or None (not stored) when their shape is not the known one."""
    if not _FORME:
        return None
    return {
        cle: {
            "mds_ids": list(d.mds_ids),
            "codes": list(d.codes),
            "retenue": d.table.retenue,
            "etendue": [[[c.valeur, c.statut] for c in row] for row in d.table.etendue],
        }
        for cle, d in decided.items()
    }


def decoder_decisions(content) -> dict:
    return {
        cle: publications.Decision(
            mds_ids=tuple(d["mds_ids"]),
            codes=tuple(d["codes"]),
            table=secrecy.TableProtegee(
                etendue=tuple(tuple(secrecy.Cellule(v, s) for v, s in row) for row in d["etendue"]),
                retenue=d["retenue"],
            ),
        )
        for cle, d in content.items()
    }


# --- Store ------------------------------------------------------------------------------------------


def memoriser(cle, periode, perimetre_cle, calcul, encoder=encoder_lignes, decoder=decoder_lignes):
    """The stored figure of a closed period and scope, computed by ``calcul()`` and stored when
    missing; computed live for an open period, a mediator or inside ``agregats.en_direct()``."""
    if perimetre_cle is None or agregats.force_en_direct() or not close(periode):
        return calcul()
    stored = (  # a 1-tuple: a stored figure may be null (no reminder sent, no wait recorded)
        FigureFenetre.objects.filter(cle=cle, type=periode.type, debut=periode.debut, perimetre=perimetre_cle)
        .values_list("contenu")
        .first()
    )
    if stored is not None:
        return decoder(stored[0])
    with transaction.atomic():
        # Under the refresh's lock (held to the end of the transaction): a late entry summarized by a
        # concurrent refresh either committed before this computation (and is counted) or waits for
        # this row to be committed (and then removes it) — never a stale figure stored after it.
        advisory_lock(agregats.VERROU)
        started = timezone.now()  # a visitor record edited from now on drops it (``suivre_fiches``)
        value = calcul()
        content = encoder(value)
        if content is not None:
            FigureFenetre.objects.bulk_create(
                [FigureFenetre(cle=cle, type=periode.type, debut=periode.debut, fin=periode.fin,
                               perimetre=perimetre_cle, contenu=content, calcule_le=started)],
                ignore_conflicts=True,
            )  # fmt: skip
    return value


def lignes(cle, periode, perimetre, calcul):
    """An indicator's rows ``(mds_id, categorie, valeur)`` for a closed period, stored."""
    return memoriser(cle, periode, cle_perimetre(perimetre), calcul)


def nombre(cle, periode, perimetre, calcul):
    """A key figure (one number) for a closed period, stored."""
    return memoriser(cle, periode, cle_perimetre(perimetre), calcul, encoder=_nombre, decoder=_lire_nombre)


def decisions(periode: Periode) -> dict:
    """The secrecy decisions of the period (``publications.decisions``), stored once closed; the key
    carries the active MDS and the fingerprint of the rule's code."""
    mds_ids = publications.mds_du_departement()

    def calcul():
        # Cells hidden by an earlier version of the period (or of a nested one) stay hidden; the
        # cells hidden now are kept for the next version (``pilotage.masques``).
        decided = publications.decisions(periode, mds_ids, deja=masques.publies(publications.famille(periode)))
        if close(periode):
            masques.retenir(periode, decided)
        return decided

    return memoriser(
        f"secret:{EMPREINTE_REGLE}",
        periode,
        "mds:" + ids_cle(mds_ids),
        calcul,
        encoder=encoder_decisions,
        decoder=decoder_decisions,
    )


def invalider(mois: dt.date | None) -> int:
    """Drop every stored period ending after the start of ``mois`` (a late entry landed in it)."""
    if mois is None or mois >= mois_courant():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FIGURES} WHERE fin > %s", [mois])
        return cursor.rowcount


# Stored figures read from the desk's tables rather than the session log: their keys start with this.
ACCUEIL = "accueil:"


def suivre_accueil(note: bool = False) -> int:
    """Drop the stored desk figures of the periods containing a month where a desk row changed late
    (noted by the triggers of migration 0006), and mark those notes processed (kept ``GARDE`` for
    the reports' staleness check). Cheap when nothing is to be processed (one probe of a partial
    index, skipped when the caller probed: ``note``); otherwise under the refresh's lock, so that a
    figure being computed meanwhile (``memoriser`` holds the lock) is stored first, then dropped."""
    if not note:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {MODIFICATIONS} WHERE NOT traitee)")
            if not cursor.fetchone()[0]:
                return 0
    with transaction.atomic(), connection.cursor() as cursor:
        advisory_lock(agregats.VERROU)
        cursor.execute(
            f"WITH notes AS (UPDATE {MODIFICATIONS} SET traitee = true WHERE NOT traitee RETURNING mois), "
            "mois AS (SELECT DISTINCT mois FROM notes) "
            f"DELETE FROM {FIGURES} f USING mois WHERE f.cle LIKE %s "
            "AND (mois.mois IS NULL OR (f.debut <= mois.mois AND mois.mois < f.fin))",
            [ACCUEIL + "%"],
        )
        dropped = cursor.rowcount
        cursor.execute(f"DELETE FROM {MODIFICATIONS} WHERE traitee AND le < now() - %s::interval", [GARDE])
        return dropped


# How long a processed note is kept for the reports' staleness check (``pilotage.perimes``, every
# 5 minutes from beat): only a beat stopped for longer than this would miss a note.
GARDE = "35 days"


def suivre_fiches() -> int:
    """Drop the stored secrecy decisions of periods where a visitor whose record changed since they
    were computed was accompanied (profiles are read from the visitor record)."""
    usa = USAGERS
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH t AS (SELECT MIN(calcule_le) AS t FROM {FIGURES} WHERE cle LIKE 'secret:%%'), "
            f"fiches AS (SELECT u.id, u.updated_at FROM {usa} u, t WHERE u.updated_at >= t.t), "
            f"vus AS (SELECT DISTINCT f.updated_at, r.date FROM fiches f JOIN {RESUMES} r ON r.usager_id = f.id "
            "AND r.courante AND r.nature = 'accompagnement') "
            f"DELETE FROM {FIGURES} s USING vus WHERE s.cle LIKE 'secret:%%' AND s.calcule_le <= vus.updated_at "
            "AND vus.date >= s.debut AND vus.date < s.fin"
        )
        return cursor.rowcount
