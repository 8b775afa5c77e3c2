"""Demo ateliers: a realistic catalogue and about three months of past séances plus one month ahead,
with the attendance the experiment reported (collective workshops for the public often under-filled,
some cancelled for too few participants; individual series well attended).

Idempotent: an MDS that already has séances gets no new ones; catalogue entries are matched by title.
Uses ``context["usagers"]`` ({mds_code: [Usager]}) when the visitors' seeder put it there, otherwise
registrations are anonymous ("1 personne, tranche d'âge X")."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import events
from core.roles import Role
from usagers.enums import TrancheAge

from .enums import Equipement, Format, MotifAnnulation, Niveau, Presence, Public, StatutSeance, Thematique
from .enums import StatutInscription as SI
from .models import Atelier, Inscription, ParticipantAnonyme, Seance
from .recurrence import build_rule, occurrences

T = Thematique
DEPARTEMENT = [
    {
        "titre": "Éviter les arnaques en ligne",
        "description": "Reconnaître un faux message de la CAF, d'ameli ou des impôts. Que faire si on a cliqué.",
        "thematiques": [T.SECURITE_NUMERIQUE, T.EMAIL],
        "niveau": Niveau.DEBUTANT,
        "format": Format.COLLECTIF,
        "capacite": 10,
        "minimum_participants": 4,
        "duree_minutes": 90,
        "equipements": [Equipement.TELEPHONE],
    },
    {
        "titre": "Recherche sécurisée sur internet (professionnels)",
        "description": "Trouver le bon site officiel, repérer les faux sites payants, protéger les données.",
        "thematiques": [T.SECURITE_NUMERIQUE, T.NAVIGATION_SUR_INTERNET],
        "niveau": Niveau.INTERMEDIAIRE,
        "format": Format.COLLECTIF,
        "public": Public.PROFESSIONNELS,
        "capacite": 12,
        "minimum_participants": 5,
        "duree_minutes": 120,
        "equipements": [Equipement.ORDINATEUR],
    },
    {
        "titre": "Créer des raccourcis et favoris (professionnels)",
        "description": "Ranger les sites utiles de l'accueil dans le navigateur pour aller plus vite.",
        "thematiques": [T.NAVIGATION_SUR_INTERNET, T.BUREAUTIQUE],
        "niveau": Niveau.DEBUTANT,
        "format": Format.COLLECTIF,
        "public": Public.PROFESSIONNELS,
        "capacite": 10,
        "minimum_participants": 4,
        "duree_minutes": 60,
        "equipements": [Equipement.ORDINATEUR],
    },
]
PAR_MDS = [
    {
        "titre": "Créer son adresse e-mail",
        "description": "Créer une adresse e-mail à son nom, la retenir et lire ses messages.",
        "thematiques": [T.EMAIL],
        "format": Format.INDIVIDUEL,
        "capacite": 1,
        "minimum_participants": 1,
        "duree_minutes": 60,
        "equipements": [Equipement.TELEPHONE, Equipement.ORDINATEUR],
    },
    {
        "titre": "Prendre en main un smartphone",
        "description": "Allumer, appeler, envoyer un SMS, installer une application, prendre une photo d'un papier.",
        "thematiques": [T.PRENDRE_EN_MAIN_DU_MATERIEL],
        "format": Format.COLLECTIF,
        "capacite": 8,
        "minimum_participants": 3,
        "duree_minutes": 120,
        "equipements": [Equipement.TELEPHONE],
    },
    {
        "titre": "Se connecter à ameli et caf.fr",
        "description": "Ouvrir son compte, se connecter avec FranceConnect, télécharger une attestation.",
        "thematiques": [T.DEMARCHES_EN_LIGNE, T.NAVIGATION_SUR_INTERNET],
        "niveau": Niveau.INTERMEDIAIRE,
        "format": Format.COLLECTIF,
        "capacite": 6,
        "minimum_participants": 3,
        "duree_minutes": 120,
        "equipements": [Equipement.ORDINATEUR],
    },
    {
        "titre": "Payer en ligne en toute sécurité",
        "description": "Reconnaître un site sûr, payer une facture, éviter les pièges.",
        "thematiques": [T.BANQUE_ET_ACHATS_EN_LIGNE, T.SECURITE_NUMERIQUE],
        "niveau": Niveau.INTERMEDIAIRE,
        "format": Format.INDIVIDUEL,
        "capacite": 1,
        "minimum_participants": 1,
        "duree_minutes": 60,
        "equipements": [Equipement.TELEPHONE],
    },
    {
        "titre": "Utiliser un ordinateur et un clavier",
        "description": "La souris, le clavier, les majuscules et les accents, ouvrir un site.",
        "thematiques": [T.PRENDRE_EN_MAIN_DU_MATERIEL, T.BUREAUTIQUE],
        "format": Format.INDIVIDUEL,
        "capacite": 1,
        "minimum_participants": 1,
        "duree_minutes": 60,
        "equipements": [Equipement.ORDINATEUR],
    },
]
# (catalogue title, weekday 0=Monday, hour, frequency)
PLANNING = [
    ("Prendre en main un smartphone", 1, dt.time(14), "hebdomadaire"),
    ("Se connecter à ameli et caf.fr", 3, dt.time(9, 30), "quinzaine"),
    ("Éviter les arnaques en ligne", 4, dt.time(14), "quinzaine"),
    ("Recherche sécurisée sur internet (professionnels)", 0, dt.time(13, 30), "mensuel"),
    ("Créer son adresse e-mail", 2, dt.time(10), "hebdomadaire"),
    ("Utiliser un ordinateur et un clavier", 2, dt.time(14), "hebdomadaire"),
]
AGES = [
    (TrancheAge.DIX_HUIT_VINGT_QUATRE, 14),
    (TrancheAge.VINGT_CINQ_TRENTE_NEUF, 30),
    (TrancheAge.QUARANTE_CINQUANTE_NEUF, 30),
    (TrancheAge.SOIXANTE_SOIXANTE_NEUF, 14),
    (TrancheAge.SOIXANTE_DIX_PLUS, 12),
]


def _age(rng):
    return rng.choices([a for a, _ in AGES], weights=[w for _, w in AGES])[0]


def _catalogue(mds_list) -> dict:
    by_key = {}
    for spec in DEPARTEMENT:
        atelier, _ = Atelier.objects.update_or_create(mds=None, titre=spec["titre"], defaults=spec)
        by_key[(None, spec["titre"])] = atelier
    for mds in mds_list:
        for spec in PAR_MDS:
            atelier, _ = Atelier.objects.update_or_create(mds=mds, titre=spec["titre"], defaults=spec)
            by_key[(mds.pk, spec["titre"])] = atelier
    return by_key


def _dates(start: dt.date, end: dt.date, weekday: int, frequence: str):
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    if frequence == "mensuel":
        regle = build_rule(premier_jour=first, heure=dt.time(0), frequence="quinzaine", jusqu_au=end)
        return [o.date for o in occurrences(regle)[::2] if not o.ignoree]
    regle = build_rule(premier_jour=first, heure=dt.time(0), frequence=frequence, jusqu_au=end)
    return [o.date for o in occurrences(regle) if not o.ignoree]


@transaction.atomic
def seed(context: dict) -> None:
    rng = context["rng"]
    mds_by_code = context.get("mds", {})
    users = context.get("users", {})
    visitors = context.get("usagers", {})
    catalogue = _catalogue(mds_by_code.values())
    today = timezone.localdate()
    now = timezone.now()
    start, end = today - dt.timedelta(days=91), today + dt.timedelta(days=30)
    created_total = 0
    for code, mds in mds_by_code.items():
        if Seance.objects.filter(mds=mds).exists():
            continue
        staff = [
            u
            for u in users.values()
            if u.role in (Role.MEDIATEUR, Role.TUTEUR) and u.memberships.filter(mds=mds).exists()
        ]
        pool = list(visitors.get(code, []))
        seances, inscriptions, anonymes = [], [], []
        for titre, weekday, heure, frequence in PLANNING:
            atelier = catalogue.get((mds.pk, titre)) or catalogue[(None, titre)]
            for day in _dates(start, end, weekday, frequence):
                debut = timezone.make_aware(dt.datetime.combine(day, heure))
                seance = Seance(
                    mds=mds,
                    atelier=atelier,
                    format=atelier.format,
                    debut=debut,
                    fin=debut + dt.timedelta(minutes=atelier.duree_minutes),
                    salle=rng.choice(["Salle informatique", "Salle de réunion", "Bureau de la médiation"]),
                    animateur=rng.choice(staff) if staff else None,
                    capacite=atelier.capacite,
                    minimum_participants=atelier.minimum_participants,
                )
                seances.append((seance, atelier))
        Seance.objects.bulk_create([s for s, _ in seances])
        for seance, atelier in seances:
            past = seance.debut < now
            if atelier.format == Format.INDIVIDUEL:
                wanted = 1 if rng.random() < (0.8 if past else 0.55) else 0
            elif atelier.public == Public.PROFESSIONNELS:
                wanted = rng.randint(3, atelier.capacite)
            else:  # collective for the public: often under-filled, sometimes a waitlist
                wanted = min(atelier.capacite + 3, int(rng.betavariate(1.6, 2.6) * (atelier.capacite + 3)))
            rows = []
            for index in range(wanted):
                # Two registrations out of three are known visitors (they may come to several ateliers).
                known = pool and atelier.public == Public.USAGERS and rng.random() < 0.67
                usager = rng.choice(pool) if known else None
                if usager is not None and any(r.usager_id == usager.pk for r in rows):
                    usager = None
                registered = seance.debut - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
                waiting = index >= seance.capacite
                rows.append(
                    Inscription(
                        mds=mds,
                        seance=seance,
                        usager=usager,
                        tranche_age=usager.tranche_age if usager else _age(rng),
                        deja_accompagne=None if usager else rng.random() < 0.5,
                        statut=SI.ATTENTE if waiting else SI.INSCRIT,
                        attente_depuis=registered if waiting else None,
                    )
                )
            seance.places_prises = sum(1 for r in rows if r.statut == SI.INSCRIT)
            start_flag = seance.debut - dt.timedelta(hours=48)
            if seance.format == Format.COLLECTIF and seance.places_prises < seance.minimum_participants:
                if start_flag <= now:
                    seance.alerte_minimum_le = start_flag
                if past and rng.random() < 0.6:
                    seance.statut = StatutSeance.ANNULEE
                    seance.motif_annulation = MotifAnnulation.MINIMUM_NON_ATTEINT
                    seance.annulee_le = start_flag + dt.timedelta(hours=2)
            if past and seance.statut == StatutSeance.PLANIFIEE:
                seance.statut = StatutSeance.TENUE
                seance.cloturee_le = seance.fin
                for row in rows:
                    if row.statut == SI.INSCRIT:
                        row.presence = Presence.PRESENT if rng.random() < 0.75 else Presence.ABSENT
                if seance.format == Format.COLLECTIF and atelier.public == Public.USAGERS and rng.random() < 0.4:
                    for _ in range(rng.randint(1, 2)):
                        anonymes.append(
                            ParticipantAnonyme(
                                mds=mds,
                                seance=seance,
                                tranche_age=_age(rng),
                                deja_accompagne=rng.random() < 0.4,
                                nombre=rng.randint(1, 2),
                            )
                        )
            inscriptions.extend(rows)
        # A past individual slot nobody booked is not a séance: drop it.
        empty = [s.pk for s, a in seances if a.format == Format.INDIVIDUEL and s.debut < now and not s.places_prises]
        Seance.objects.filter(pk__in=empty).delete()
        seances = [(s, a) for s, a in seances if s.pk not in set(empty)]
        Seance.objects.bulk_update(
            [s for s, _ in seances],
            ["places_prises", "statut", "motif_annulation", "annulee_le", "alerte_minimum_le", "cloturee_le"],
        )
        Inscription.objects.bulk_create(inscriptions)
        # Same band twice on one séance: merge (one row per band).
        merged = {}
        for row in anonymes:
            key = (row.seance.pk, row.tranche_age, row.deja_accompagne)
            if key in merged:
                merged[key].nombre += row.nombre
            else:
                merged[key] = row
        ParticipantAnonyme.objects.bulk_create(merged.values())
        _log_held(mds, [s for s, _ in seances if s.statut == StatutSeance.TENUE], inscriptions, merged.values())
        created_total += len(seances)
    if context.get("stdout") is not None:
        context["stdout"].write(f"  {len(catalogue)} ateliers au catalogue, {created_total} séances créées")
    context["ateliers"] = catalogue


def _log_held(mds, seances, inscriptions, anonymes) -> None:
    presents, walk_ins = {}, {}
    for row in inscriptions:
        if row.presence == Presence.PRESENT:
            presents.setdefault(row.seance.pk, []).append(row.usager_id)
    for row in anonymes:
        walk_ins[row.seance.pk] = walk_ins.get(row.seance.pk, 0) + row.nombre
    for seance in seances:
        ids = presents.get(seance.pk, [])
        total = len(ids) + walk_ins.get(seance.pk, 0)
        if not total:
            continue
        events.emit(
            events.EmargementCloture(
                mds=mds,
                animateur=seance.animateur,
                date=timezone.localdate(seance.debut),
                debut=timezone.localtime(seance.debut).time(),
                duree_minutes=seance.duree_minutes,
                thematiques=list(seance.atelier.thematiques),
                participants=total,
                usager_ids=[i for i in ids if i],
                seance_key=f"atelier-seance-{seance.pk}",
            )
        )
