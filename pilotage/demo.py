"""Demo data of pilotage.

``seed_demo`` (scale "demo"): nothing to add — dashboards read the other apps' demo activity.

``seed_demo --scale departement``: a Département-sized history for dashboards and benchmarks —
22 MDS, 3 years, ≥ 200 000 accompaniments with their démarches and steps (≥ 1 000 000 step rows)
in the working tables AND the session log, appointments, passages, atelier sessions. Written with
PostgreSQL ``COPY`` (bulk), deterministic (seeded RNG), idempotent (a second run sees the marker
and does nothing). ``PILOTAGE_SEED_FRACTION=0.1`` generates one tenth (benchmark of the growth)."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import uuid

from dateutil.relativedelta import relativedelta
from django.db import connection, models, transaction
from django.utils import timezone

from core.dates import PARIS

MARKER = "demo-departement"
MDS_DEPARTEMENT = [
    ("AIX", "MDS d'Aix-en-Provence", "Aix-en-Provence", "13001"),
    ("ARL", "MDS d'Arles", "Arles", "13004"),
    ("AUB", "MDS d'Aubagne", "Aubagne", "13005"),
    ("CHA", "MDS de Châteaurenard", "Châteaurenard", "13027"),
    ("GAR", "MDS de Gardanne", "Gardanne", "13041"),
    ("IST", "MDS d'Istres", "Istres", "13047"),
    ("LAC", "MDS de La Ciotat", "La Ciotat", "13028"),
    ("MAT", "MDS de Martigues", "Martigues", "13056"),
    ("MIR", "MDS de Miramas", "Miramas", "13063"),
    ("SAL", "MDS de Salon-de-Provence", "Salon-de-Provence", "13103"),
    ("TAR", "MDS de Tarascon", "Tarascon", "13108"),
    ("VIT", "MDS de Vitrolles", "Vitrolles", "13117"),
    ("BEL", "MDS Belle de Mai", "Marseille", "13203"),
    ("CAS", "MDS Castellane", "Marseille", "13206"),
    ("ENS", "MDS L'Estaque", "Marseille", "13216"),
    ("PEN", "MDS Pont-de-Vivaux", "Marseille", "13210"),
    ("SAI", "MDS Saint-Sébastien", "Marseille", "13206"),
    ("SJU", "MDS Saint-Just", "Marseille", "13213"),
    ("SLO", "MDS Saint-Louis", "Marseille", "13215"),
]
SOURCES = ["aller_vers"] * 50 + ["oriente_professionnel"] * 25 + ["venu_directement"] * 13 + ["rendez_vous"] * 10
SOURCES += ["borne"] * 2
DUREES = [15, 30, 30, 30, 45, 45, 60, 60, 90, 120]
GENRES = ["feminin"] * 49 + ["masculin"] * 43 + ["non_communique"] * 8
AGES = (
    ["dix_huit_vingt_quatre"] * 28
    + ["vingt_cinq_trente_neuf"] * 34
    + ["quarante_cinquante_neuf"] * 26
    + ["soixante_soixante_neuf"] * 8
    + ["soixante_dix_plus"] * 4
)
STATUTS = ["sans_emploi"] * 45 + ["en_emploi"] * 25 + ["retraite"] * 12 + ["scolarise"] * 6 + ["non_communique"] * 12
LANGUES = ["fr"] * 70 + ["ar"] * 15 + ["en"] * 4 + ["tr"] * 3 + ["uk"] * 3 + ["ps"] * 2 + ["autre"] * 3
RESULTATS = ["finalisee"] * 60 + ["a_finaliser_en_autonomie"] * 15 + ["doit_revenir"] * 15 + ["orientee"] * 6
RESULTATS += ["abandonnee"] * 4


# --- COPY helper ------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _default(field, now):
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return now
    if field.has_default():
        value = field.get_default()
        return str(value) if isinstance(value, uuid.UUID) else value
    if field.null:
        return None
    return "" if isinstance(field, models.CharField | models.TextField) else None


def copy_rows(model, rows: list[dict]) -> int:
    """Insert dicts (keys = attnames) with COPY; missing fields take their model default."""
    if not rows:
        return 0
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and "id" not in rows[0])]
    defaults = {f.attname: _default(f, now) for f in fields}
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_text(row.get(f.attname, defaults[f.attname])) for f in fields))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer)
    REMPLIES.add(model._meta.db_table)
    return len(rows)


# Every table the bulk seed writes with COPY: all of them are ANALYZEd at the end (the planner's
# statistics would otherwise describe empty tables — visitor pages were 5× slower without it).
REMPLIES: set[str] = set()
# Filled by the rollup after the load (summaries of the journal, monthly rollup).
DERIVEES = ("pilotage_resumeactivite", "pilotage_resumedemarche", "pilotage_agregatmois")


def fraction_demandee(context: dict) -> float:
    """``seed_demo --fraction 0.1`` (or ``PILOTAGE_SEED_FRACTION``): share of the Département's volume."""
    value = context.get("fraction") or os.environ.get("PILOTAGE_SEED_FRACTION") or 1
    fraction = float(value)
    if not 0 < fraction <= 1:
        raise ValueError("La fraction doit être comprise entre 0 (exclu) et 1.")
    return fraction


def _next_ids(model, count: int) -> int:
    """Reserve ``count`` ids of ``model``'s sequence; returns the first."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")  # noqa: S608 — table name from the model
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
    return first


# --- Generation --------------------------------------------------------------------------------------


def seed(context: dict) -> None:
    if context.get("scale") != "departement":
        return
    seed_departement(context)


def _structures(context, rng):
    from accueil.models import Motif, PlageOuverture
    from core.models import MDS, Membership, User
    from core.roles import Role

    mds_list = list(context.get("mds", {}).values())
    for code, nom, commune, insee in MDS_DEPARTEMENT:
        mds, _ = MDS.objects.get_or_create(
            code=code, defaults={"nom": nom, "commune": commune, "commune_insee": insee, "territoire": commune}
        )
        mds_list.append(mds)
    mds_list = sorted({m.pk: m for m in mds_list}.values(), key=lambda m: m.code)[:22]
    staff = {}
    for mds in mds_list:
        mediators = []
        for k in range(3):
            user, created = User.objects.get_or_create(
                email=f"mediateur{k + 1}.{mds.code.lower()}@departement.demo.mds13.fr",
                defaults={"role": Role.MEDIATEUR, "first_name": f"Médiateur {k + 1}", "last_name": mds.code},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, mds=mds)
            mediators.append(user)
        staff[mds.pk] = mediators
        if not PlageOuverture.objects.filter(mds=mds).exists():
            PlageOuverture.objects.bulk_create(
                [
                    PlageOuverture(mds=mds, jour=day, debut=start, fin=end)
                    for day in range(5)
                    for start, end in ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17)))
                ]
            )
        Motif.objects.get_or_create(mds=mds, libelle="Aide à une démarche en ligne", defaults={"duree_minutes": 30})
        Motif.objects.get_or_create(mds=mds, libelle="Création de compte", defaults={"duree_minutes": 45})
    return mds_list, staff


def seed_departement(context: dict) -> None:
    from mediation.models import JournalActivite
    from mediation.services import charger_referentiels

    charger_referentiels()  # the démarches it draws from (absent after a flush, e.g. in the test suite)

    out = context.get("stdout")
    rng = context["rng"]
    if (
        JournalActivite.objects.filter(seance_key__startswith=MARKER).exists()
        or JournalActivite.objects.filter(cle__startswith=f"{MARKER}:").exists()
    ):
        if out:
            out.write("  Historique départemental déjà présent : rien à faire.")
        return
    fraction = fraction_demandee(context)
    started = time.monotonic()
    with transaction.atomic():
        mds_list, staff = _structures(context, rng)
    today = timezone.localdate()
    end = today.replace(day=1)
    start = end - relativedelta(months=36)
    per_month = max(1, round(265 * fraction))
    totals = {"accompagnements": 0, "demarches": 0, "etapes": 0}
    for index, mds in enumerate(mds_list):
        with transaction.atomic():
            counts = _seed_mds(mds, staff[mds.pk], rng, start, end, per_month)
        for key in totals:
            totals[key] += counts[key]
        if out:
            out.write(
                f"  {index + 1}/{len(mds_list)} {mds.code} : {counts['accompagnements']} accompagnements, "
                f"{counts['etapes']} étapes ({time.monotonic() - started:.0f} s)"
            )
    from .rollup import rafraichir

    # Statistics first (the rollup's INSERT … SELECT joins the freshly filled journal tables), then
    # the rollup, then its own tables.
    tables = sorted(REMPLIES | {"usagers_usager"})
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')
    rafraichir()
    with connection.cursor() as cursor:
        for table in DERIVEES:
            cursor.execute(f'ANALYZE "{table}"')
    tables += list(DERIVEES)
    if out:
        out.write(f"  ANALYZE : {', '.join(tables)}")
    if out:
        out.write(
            f"  Historique départemental : {totals['accompagnements']} accompagnements, {totals['demarches']} "
            f"démarches, {totals['etapes']} étapes en {time.monotonic() - started:.0f} s."
        )


def _seed_mds(mds, mediators, rng, start, end, per_month):  # noqa: C901 — one linear generator
    from accueil.models import Motif, Passage, RendezVous
    from ateliers.models import Atelier, ParticipantAnonyme, Seance
    from mediation.models import (
        Accompagnement,
        Demarche,
        DemarcheRealisee,
        EtapeRealisee,
        JournalActivite,
        JournalDemarche,
        JournalEtape,
    )
    from usagers.models import Usager

    demarches = list(Demarche.objects.filter(actif=True, reserve_travailleur_social=False).select_related("organisme"))
    weights = [max(1, 200 - d.ordre) for d in demarches]
    motifs = list(Motif.objects.filter(mds=mds))
    months = []
    month = start
    while month < end:
        months.append(month)
        month += relativedelta(months=1)
    n_acc = per_month * len(months)

    # Visitors: about one for three accompaniments.
    n_users = max(3, n_acc // 3)
    first_user = _next_ids(Usager, n_users)
    usagers = []
    created_base = dt.datetime.combine(start, dt.time(9), tzinfo=PARIS)
    for k in range(n_users):
        usagers.append(
            {
                "id": first_user + k,
                "mds_id": mds.pk,
                "reference": f"{mds.code}-D{k:05d}",
                "genre": rng.choice(GENRES),
                "tranche_age": rng.choice(AGES),
                "statut_social": rng.choice(STATUTS),
                "langue": rng.choice(LANGUES),
                "commune_insee": mds.commune_insee,
                "equipements": ["smartphone"] if rng.random() < 0.78 else [],
                "created_at": created_base,
                "updated_at": created_base,
            }
        )
    copy_rows(Usager, usagers)

    first_acc = _next_ids(Accompagnement, n_acc)
    first_act = _next_ids(JournalActivite, n_acc + len(months) * 4)
    acc_rows, act_rows, dr_rows, jd_rows, et_rows, je_rows, rdv_rows, pas_rows = [], [], [], [], [], [], [], []
    visits: dict[int, int] = {}
    first_dr = _next_ids(DemarcheRealisee, n_acc * 3)
    first_jd = _next_ids(JournalDemarche, n_acc * 3 + len(months) * 4)
    first_et = _next_ids(EtapeRealisee, n_acc * 3 * 8)
    first_je = _next_ids(JournalEtape, n_acc * 3 * 8)
    dr_id, jd_id, et_id, je_id = first_dr, first_jd, first_et, first_je
    tickets: dict[dt.date, int] = {}
    acc_id, act_id = first_acc, first_act
    now = timezone.now()
    for month in months:
        days = [month + dt.timedelta(days=k) for k in range(31) if (month + dt.timedelta(days=k)).month == month.month]
        days = [d for d in days if d.weekday() < 5 and d < end]
        for _ in range(per_month):
            day = rng.choice(days)
            debut = dt.time(rng.choice([9, 9, 10, 10, 11, 14, 14, 15, 16]), rng.choice([0, 15, 30, 45]))
            duree = rng.choice(DUREES)
            source = rng.choice(SOURCES)
            mediateur = rng.choice(mediators)
            anonymous = rng.random() < 0.12
            usager = (
                None
                if anonymous
                else usagers[
                    min(int(rng.paretovariate(1.2)) - 1, n_users - 1) if rng.random() < 0.3 else rng.randrange(n_users)
                ]
            )
            usager_id = usager["id"] if usager else None
            visit = visits.get(usager_id, 0) if usager_id else 0
            if usager_id:
                visits[usager_id] = visit + 1
            created = dt.datetime.combine(day, debut, tzinfo=PARIS)
            acc_rows.append(
                {
                    "id": acc_id, "mds_id": mds.pk, "usager_id": usager_id, "mediateur_id": mediateur.pk, "date": day,
                    "debut": debut, "duree_minutes": duree, "source": source, "type_lieu": "lieu_activite",
                    "materiel": ["ordinateur"], "cle": str(uuid.UUID(int=rng.getrandbits(128))), "created_at": created,
                    "updated_at": created,
                }
            )  # fmt: skip
            act_rows.append(
                {
                    "id": act_id, "cle": f"{MARKER}:{acc_id}", "version": 1, "annulee": False,
                    "nature": "accompagnement", "mds_id": mds.pk, "date": day, "debut": debut,
                    "duree_minutes": duree, "source": source,
                    "type_lieu": "lieu_activite", "materiel": ["ordinateur"], "participants": 1,
                    "usager_reference": usager["reference"] if usager else "", "usager_id": usager_id,
                    "usager_ids": [usager_id] if usager_id else [], "mediateur_id": mediateur.pk,
                    "mediateur_stagiaire": False, "accompagnement_id": acc_id, "seance_key": "",
                    "created_at": created, "created_by_id": mediateur.pk,
                }
            )  # fmt: skip
            autonomy = min(0.85, 0.15 + 0.12 * visit)
            n_dem = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.75 else 3)
            for ordre, demarche in enumerate(rng.choices(demarches, weights=weights, k=n_dem)):
                resultat = rng.choice(RESULTATS)
                oriente = "vers_partenaire" if resultat == "orientee" and rng.random() < 0.4 else (
                    "vers_travailleur_social" if resultat == "orientee" else "")  # fmt: skip
                dr_rows.append({"id": dr_id, "accompagnement_id": acc_id, "demarche_id": demarche.pk, "ordre": ordre,
                                "resultat": resultat, "consentement": "accord_verifie"})  # fmt: skip
                jd_rows.append({"id": jd_id, "activite_id": act_id, "ordre": ordre, "demarche_code": demarche.code,
                                "organisme_code": demarche.organisme.code if demarche.organisme_id else "",
                                "thematique_code": "", "resultat": resultat, "oriente_vers": oriente,
                                "consentement": "accord_verifie"})  # fmt: skip
                for e_ordre, code in enumerate(demarche.etapes_defaut or ["navigation"]):
                    r = rng.random()
                    posture = (
                        "autonome" if r < autonomy / 2 else "faire_faire" if r < autonomy
                        else "avec" if r < autonomy + (1 - autonomy) * 0.7 else "a_la_place"
                    )  # fmt: skip
                    et_rows.append({"id": et_id, "demarche_realisee_id": dr_id, "code": code, "posture": posture,
                                    "ordre": e_ordre})  # fmt: skip
                    je_rows.append({"id": je_id, "demarche_id": jd_id, "ordre": e_ordre, "etape_code": code,
                                    "posture": posture})  # fmt: skip
                    et_id += 1
                    je_id += 1
                dr_id += 1
                jd_id += 1
            arrival = created - dt.timedelta(minutes=rng.randint(0, 40))
            tickets[day] = tickets.get(day, 0) + 1
            pas_rows.append(
                {
                    "mds_id": mds.pk, "usager_id": usager_id, "source": source, "jour": day,
                    "numero": 500 + tickets[day],  # above the tickets of the everyday demo data
                    "statut": "en_charge", "arrivee_le": arrival, "pris_en_charge_le": created,
                    "attente_secondes": int((created - arrival).total_seconds()), "prioritaire": False,
                    "priorites": [],
                }
            )  # fmt: skip
            if source == "rendez_vous" or rng.random() < 0.08:
                statut = "honore" if source == "rendez_vous" else rng.choice(["absent", "excuse", "annule", "absent"])
                rdv_rows.append(
                    {
                        "mds_id": mds.pk, "usager_id": usager_id, "mediateur_id": mediateur.pk,
                        "motif_id": rng.choice(motifs).pk, "debut": created,
                        "fin": created + dt.timedelta(minutes=30), "canal": rng.choice(
                            ["accueil", "accueil", "mediateur", "orientation", "borne"]),
                        "rappel": "sms", "statut": statut, "created_at": created - dt.timedelta(days=7),
                        "updated_at": created,
                    }
                )  # fmt: skip
            acc_id += 1
            act_id += 1
    # Ateliers: 3 collective sessions a month (one cancelled for too few participants now and then).
    atelier, _ = Atelier.objects.get_or_create(
        mds=mds, titre="Créer et utiliser son adresse e-mail",
        defaults={"description": "Atelier collectif.", "thematiques": ["email"], "capacite": 8,
                  "minimum_participants": 3, "duree_minutes": 90},
    )  # fmt: skip
    seances, anonymes = [], []
    for month in months:
        for week in (1, 2, 3):
            when = dt.datetime.combine(month + dt.timedelta(days=7 * week), dt.time(14), tzinfo=PARIS)
            if when.date() >= end:
                continue
            cancelled = rng.random() < 0.15
            seances.append(
                Seance(mds=mds, atelier=atelier, format="collectif", debut=when, fin=when + dt.timedelta(minutes=90),
                       capacite=8, minimum_participants=3, statut="annulee" if cancelled else "tenue",
                       motif_annulation="minimum_non_atteint" if cancelled else "",
                       annulee_le=when if cancelled else None, cloturee_le=None if cancelled else when)
            )  # fmt: skip
    Seance.objects.bulk_create(seances)
    for seance in seances:
        if seance.statut != "tenue":
            continue
        participants = rng.randint(3, 8)
        anonymes.append(ParticipantAnonyme(mds=mds, seance=seance, tranche_age=rng.choice(AGES),
                                           deja_accompagne=rng.random() < 0.5, nombre=participants))  # fmt: skip
        act_rows.append(
            {
                "id": act_id, "cle": f"atelier:{MARKER}-{seance.pk}", "version": 1, "annulee": False,
                "nature": "atelier_collectif", "mds_id": mds.pk, "date": seance.debut.astimezone(PARIS).date(),
                "debut": dt.time(14), "duree_minutes": 90, "source": "", "type_lieu": "lieu_activite",
                "materiel": [], "participants": participants, "usager_ids": [], "mediateur_id": mediators[0].pk,
                "seance_key": f"{MARKER}-{seance.pk}", "created_at": now, "created_by_id": mediators[0].pk,
            }
        )  # fmt: skip
        jd_rows.append({"id": jd_id, "activite_id": act_id, "ordre": 0, "thematique_code": "email"})
        jd_id += 1
        act_id += 1
    ParticipantAnonyme.objects.bulk_create(anonymes)
    copy_rows(Accompagnement, acc_rows)
    copy_rows(DemarcheRealisee, dr_rows)
    copy_rows(EtapeRealisee, et_rows)
    copy_rows(JournalActivite, act_rows)
    copy_rows(JournalDemarche, jd_rows)
    copy_rows(JournalEtape, je_rows)
    from mediation.sceau import sceller_en_attente

    sceller_en_attente()  # seal the session-log rows written by COPY (mediation.sceau)
    copy_rows(RendezVous, rdv_rows)
    copy_rows(Passage, pas_rows)
    last_contact = {}
    for row in acc_rows:
        if row["usager_id"]:
            last_contact[row["usager_id"]] = row["created_at"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE usagers_usager u SET last_contact_at = v.t FROM unnest(%s::bigint[], %s::timestamptz[]) "
            "AS v(id, t) WHERE u.id = v.id",
            [list(last_contact), list(last_contact.values())],
        )
    return {"accompagnements": len(acc_rows), "demarches": len(dr_rows), "etapes": len(et_rows)}
