"""Demo activity: about four months of accompaniments per demo MDS, with the frequencies of the
domain brief (§3–§5): CAF and impôts first; half « aller vers », a quarter oriented, a quarter
direct; mostly « avec » / « faire faire » with a fair share of « à la place »; returning visitors
become more autonomous. Written with bulk_create (working data and session log), idempotent."""

import datetime as dt
import uuid
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from core.roles import Role
from usagers.services import record_contact

from .enums import Etape, Nature, Posture, Resultat, SensOrientation, Source, StatutOrientation
from .models import (
    Accompagnement,
    Demarche,
    DemarcheRealisee,
    EtapeRealisee,
    JournalActivite,
    JournalDemarche,
    JournalEtape,
    Orientation,
    Partenaire,
    PieceDemandee,
    Revue,
)
from .services import charger_referentiels

DEMO_NAMESPACE = uuid.UUID("6d1f7f0e-2a43-4c38-9d4e-13b0c0de2026")
DAYS = 120
PER_DAY = {"MAL": (3, 7), "MAR": (2, 5), "ROL": (1, 4)}
ORGANISME_WEIGHTS = {
    "caf": 24,
    "dgfip": 18,
    "logement": 11,
    "cd13": 7,
    "cpam": 9,
    "france_travail": 8,
    "ants": 6,
    "prefecture": 4,
    "mdph": 1,
    "retraite": 2,
    "mairie": 1,
    "education": 1,
    "energie": 1,
    "banque": 1,
    "sante": 2,
    None: 16,  # digital help without an organisme
}
SOURCES = [
    (Source.ALLER_VERS, 48),
    (Source.ORIENTE, 24),
    (Source.DIRECT, 22),
    (Source.RENDEZ_VOUS, 5),
    (Source.BORNE, 1),
]
OUTCOMES = [
    (Resultat.FINALISEE, 56),
    (Resultat.A_FINALISER, 12),
    (Resultat.DOIT_REVENIR, 17),
    (Resultat.ORIENTEE, 8),
    (Resultat.ABANDONNEE, 7),
]
DURATIONS = [(15, 15), (30, 35), (45, 24), (60, 16), (90, 7), (120, 3)]
PARTENAIRES = [
    ("Centre social du quartier", "Permanence numérique mardi et jeudi 9 h – 12 h", "Accueil du centre social"),
    ("Espace France Services", "Du lundi au vendredi 8 h 30 – 12 h, 13 h 30 – 17 h", "Accueil France Services"),
    ("Médiathèque — espace public numérique", "Mercredi et samedi 10 h – 17 h", "Accueil de la médiathèque"),
]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _posture(rng, visit_number):
    """Postures drift towards autonomy with the visitor's successive sittings."""
    shift = min(visit_number, 5) * 4
    return _weighted(
        rng,
        [
            (Posture.A_LA_PLACE, max(6, 22 - shift)),
            (Posture.AVEC, max(15, 38 - shift)),
            (Posture.FAIRE_FAIRE, 28 + shift),
            (Posture.AUTONOME, 12 + shift),
        ],
    )


@transaction.atomic
def seed(context: dict) -> None:
    rng = context["rng"]
    stdout = context.get("stdout")
    users = context.get("users", {})
    charger_referentiels()
    demarches = [d for d in Demarche.objects.select_related("organisme", "thematique") if d.actif]
    by_organisme = defaultdict(list)
    for d in demarches:
        if not d.reserve_travailleur_social:
            by_organisme[d.organisme.code if d.organisme_id else None].append(d)
    reserved = [d for d in demarches if d.reserve_travailleur_social]
    organismes = [(code, weight) for code, weight in ORGANISME_WEIGHTS.items() if by_organisme.get(code)]
    today = timezone.localdate()
    for code, mds in sorted(context.get("mds", {}).items()):
        first_key = uuid.uuid5(DEMO_NAMESPACE, f"{code}:0")
        if Accompagnement.objects.filter(cle=first_key).exists():
            continue
        staff = [
            u
            for u in users.values()
            if u.role in (Role.MEDIATEUR, Role.TUTEUR) and u.memberships.filter(mds=mds).exists()
        ]
        if not staff:
            continue
        ts_list = [u for u in users.values() if u.role == Role.TRAVAILLEUR_SOCIAL and u.memberships.filter(mds=mds)]
        for nom, permanences, contact in PARTENAIRES:
            Partenaire.objects.get_or_create(
                mds=mds,
                nom=nom,
                defaults={"permanences": permanences, "contact": contact, "adresse": mds.commune or ""},
            )
        partenaires = list(Partenaire.objects.filter(mds=mds))
        usagers = list(context.get("usagers", {}).get(code, []))
        # A third of the visitors come back several times.
        regulars = usagers[: len(usagers) // 3]
        visits = defaultdict(int)
        plan = []  # (date, time, mediator, usager)
        low, high = PER_DAY.get(code, (1, 3))
        for offset in range(DAYS, -1, -1):
            day = today - dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            count = rng.randint(low, high)
            if day.day in (5, 6):  # « jour de mensuelle » (CAF payment day): a peak
                count += 2
            for n in range(count):
                usager = None
                if usagers and rng.random() < 0.85:
                    usager = rng.choice(regulars) if regulars and rng.random() < 0.45 else rng.choice(usagers)
                hour = rng.choice([9, 9, 10, 10, 11, 14, 14, 15, 16])
                plan.append((day, dt.time(hour, rng.choice([0, 10, 15, 20, 30, 40, 45])), rng.choice(staff), usager, n))
        plan.sort(key=lambda p: (p[0], p[1]))
        accs = []
        for index, (day, start, mediateur, usager, _n) in enumerate(plan):
            accs.append(
                Accompagnement(
                    mds=mds,
                    usager=usager,
                    mediateur=mediateur,
                    date=day,
                    debut=start,
                    duree_minutes=_weighted(rng, DURATIONS),
                    source=_weighted(rng, SOURCES),
                    type_lieu="lieu_activite" if rng.random() < 0.95 else "a_distance",
                    materiel=[_weighted(rng, [("ordinateur", 6), ("telephone", 4), ("tablette", 1)])],
                    cle=uuid.uuid5(DEMO_NAMESPACE, f"{code}:{index}"),
                )
            )
        Accompagnement.objects.bulk_create(accs, batch_size=500)
        realisees, steps_by_realisee, pieces, revues, orientations = [], {}, [], [], []
        for acc in accs:
            visit = 0
            if acc.usager_id:
                visits[acc.usager_id] += 1
                visit = visits[acc.usager_id]
            count = 1 if rng.random() < 0.8 else 2
            for order in range(count):
                if rng.random() < 0.01 and reserved:
                    demarche = rng.choice(reserved)
                else:
                    demarche = rng.choice(by_organisme[_weighted(rng, organismes)])
                resultat = Resultat.ORIENTEE if demarche.reserve_travailleur_social else _weighted(rng, OUTCOMES)
                realisee = DemarcheRealisee(accompagnement=acc, demarche=demarche, ordre=order, resultat=resultat)
                steps = []
                if not demarche.reserve_travailleur_social:
                    steps = [(c, _posture(rng, visit)) for c in demarche.etapes_defaut]
                    if any(c == Etape.VALIDATION and p == Posture.A_LA_PLACE for c, p in steps):
                        realisee.consentement = _weighted(rng, [("accord_verifie", 8), ("accord_sans_verification", 2)])
                realisees.append(realisee)
                steps_by_realisee[id(realisee)] = steps
        DemarcheRealisee.objects.bulk_create(realisees, batch_size=1000)
        etapes = []
        for realisee in realisees:
            for order, (c, p) in enumerate(steps_by_realisee[id(realisee)]):
                etapes.append(EtapeRealisee(demarche_realisee=realisee, code=c, posture=p, ordre=order))
            acc = realisee.accompagnement
            if realisee.resultat in (Resultat.DOIT_REVENIR, Resultat.A_FINALISER):
                for label in realisee.demarche.pieces_defaut:
                    pieces.append(PieceDemandee(demarche_realisee=realisee, libelle=label, fournie=rng.random() < 0.4))
            if acc.mediateur.stagiaire and any(p == Posture.A_LA_PLACE for _, p in steps_by_realisee[id(realisee)]):
                seen = (today - acc.date).days > 7
                revues.append(
                    Revue(
                        demarche_realisee=realisee,
                        tuteur=acc.mediateur.tuteur,
                        acquittee_le=timezone.make_aware(dt.datetime.combine(acc.date, dt.time(17))) if seen else None,
                        acquittee_par=acc.mediateur.tuteur if seen else None,
                    )
                )
            if realisee.resultat == Resultat.ORIENTEE and (
                realisee.demarche.reserve_travailleur_social or rng.random() < 0.6
            ):
                to_partner = not realisee.demarche.reserve_travailleur_social and partenaires and rng.random() < 0.5
                age = (today - acc.date).days
                orientations.append(
                    Orientation(
                        mds=mds,
                        sens=SensOrientation.VERS_PARTENAIRE if to_partner else SensOrientation.VERS_TRAVAILLEUR_SOCIAL,
                        usager=acc.usager,
                        emetteur=acc.mediateur,
                        partenaire=rng.choice(partenaires) if to_partner else None,
                        demarche=realisee.demarche,
                        demarche_realisee=realisee,
                        statut=StatutOrientation.ENVOYEE if age < 5 else StatutOrientation.TRAITEE,
                    )
                )
        EtapeRealisee.objects.bulk_create(etapes, batch_size=2000)
        PieceDemandee.objects.bulk_create(pieces, batch_size=1000)
        Revue.objects.bulk_create(revues, batch_size=1000)
        # Referrals from social workers to the desk.
        for ts in ts_list:
            for _ in range(6):
                usager = rng.choice(usagers) if usagers else None
                orientations.append(
                    Orientation(
                        mds=mds,
                        sens=SensOrientation.VERS_MEDIATION,
                        usager=usager,
                        emetteur=ts,
                        note=rng.choice(["Aide pour une démarche en ligne", "Première prise en main", ""]),
                        statut=rng.choice([StatutOrientation.ENVOYEE, StatutOrientation.TRAITEE]),
                    )
                )
        Orientation.objects.bulk_create(orientations, batch_size=1000)
        _bulk_journal(accs, realisees, steps_by_realisee, orientations)
        last_visit = {}
        for acc in accs:
            if acc.usager_id:
                last_visit[acc.usager_id] = acc.date
        for usager_id, last in last_visit.items():
            record_contact(usager_id=usager_id, when=timezone.make_aware(dt.datetime.combine(last, dt.time(12))))
        if stdout:
            stdout.write(f"  {code} : {len(accs)} accompagnements, {len(realisees)} démarches")


def _bulk_journal(accs, realisees, steps_by_realisee, orientations):
    """Session-log entries of the seeded sittings (same content as services.journaliser_accompagnement)."""
    oriented = {o.demarche_realisee_id: o.sens for o in orientations if o.demarche_realisee_id}
    entries = [
        JournalActivite(
            cle=f"accompagnement:{acc.pk}",
            version=1,
            nature=Nature.ACCOMPAGNEMENT,
            mds_id=acc.mds_id,
            date=acc.date,
            debut=acc.debut,
            duree_minutes=acc.duree_minutes,
            source=acc.source,
            type_lieu=acc.type_lieu,
            materiel=sorted(acc.materiel),
            participants=1,
            usager_reference=acc.usager.reference if acc.usager_id else "",
            usager_id=acc.usager_id,
            usager_ids=[acc.usager_id] if acc.usager_id else [],
            mediateur_id=acc.mediateur_id,
            mediateur_stagiaire=acc.mediateur.stagiaire,
            accompagnement_id=acc.pk,
            created_by_id=acc.mediateur_id,
        )
        for acc in accs
    ]
    JournalActivite.objects.bulk_create(entries, batch_size=1000)
    entry_by_acc = {e.accompagnement_id: e for e in entries}
    rows = []
    for realisee in realisees:
        d = realisee.demarche
        rows.append(
            JournalDemarche(
                activite=entry_by_acc[realisee.accompagnement_id],
                ordre=realisee.ordre,
                demarche_code=d.code,
                organisme_code=d.organisme.code if d.organisme_id else "",
                thematique_code=d.thematique.code,
                resultat=realisee.resultat,
                reserve_travailleur_social=d.reserve_travailleur_social,
                oriente_vers=oriented.get(realisee.pk, ""),
                consentement=realisee.consentement,
            )
        )
    JournalDemarche.objects.bulk_create(rows, batch_size=1000)
    steps = [
        JournalEtape(demarche=row, ordre=order, etape_code=c, posture=p)
        for row, realisee in zip(rows, realisees, strict=True)
        for order, (c, p) in enumerate(steps_by_realisee[id(realisee)])
    ]
    JournalEtape.objects.bulk_create(steps, batch_size=2000)
    from .sceau import sceller_en_attente

    sceller_en_attente()
