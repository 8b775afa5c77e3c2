"""Demo data of the reception: opening hours, motifs, availabilities, a waiting-room screen, past
appointments (≈ 20 % no-shows) and passages with waiting times, upcoming appointments for two
weeks, and a few people waiting today. Idempotent (skips an MDS that already has its data); bulk
inserts, so it runs in about a second."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from core.roles import Role
from usagers.services import record_contact

from .calendar import local_dt, public_holiday
from .enums import CanalRappel, CanalReservation, Priorite, SourcePassage, StatutPassage, StatutRendezVous
from .models import CompteurTicket, Disponibilite, EcranSalle, Motif, Passage, PlageOuverture, RendezVous

MOTIFS = [
    # libellé (FALC, shown on the kiosk), durée, borne, délai (min), horizon (jours)
    ("Faire un dossier sur internet", 30, True, 30, 60),
    ("Créer une adresse e-mail", 30, True, 30, 60),
    ("Atelier individuel", 60, False, 24 * 60, 60),
    ("Envoyer des papiers par internet", 30, True, 30, 30),
    ("Utiliser son smartphone", 45, False, 120, 60),
]
# Translations shown on the kiosk (typed by the MDS in the settings): libellé → (English, Arabic).
MOTIFS_TRADUITS = {
    "Faire un dossier sur internet": ("Fill in a form online", "ملء ملف على الإنترنت"),
    "Créer une adresse e-mail": ("Create an e-mail address", "إنشاء بريد إلكتروني"),
    "Atelier individuel": ("One-to-one session", "جلسة فردية"),
    "Envoyer des papiers par internet": ("Send papers online", "إرسال أوراق عبر الإنترنت"),
    # "Utiliser son smartphone" left untranslated: the kiosk shows the French label, marked as French.
}
OPENING = [(time(9), time(12)), (time(13, 30), time(16, 30))]
OPEN_DAYS = {"MAL": [0, 1, 2, 3, 4], "MAR": [0, 1, 3, 4], "ROL": [1, 2, 3]}
INITIALS = "ABCDEFGHIJKLMNOPRSTVY"


def _mediators(context, mds):
    users = context.get("users", {}).values()
    return sorted(
        (u for u in users if u.role in (Role.MEDIATEUR, Role.TUTEUR) and u.memberships.filter(mds=mds).exists()),
        key=lambda u: u.email,
    )


def _open(day, days):
    return day.weekday() in days and not public_holiday(day)


def _grid(day, duree):
    for start, end in OPENING:
        cursor = local_dt(day, start)
        close = local_dt(day, end)
        while cursor + duree <= close:
            yield cursor
            cursor += duree


@transaction.atomic
def seed(context: dict) -> None:
    rng = context["rng"]
    weeks = 26 if context.get("scale") == "departement" else 8
    out = context.get("stdout")
    context.setdefault("motifs", {})
    context.setdefault("ecrans", {})
    for code, mds in context.get("mds", {}).items():
        days = OPEN_DAYS.get(code, [0, 1, 2, 3, 4])
        mediators = _mediators(context, mds)
        if not Motif.objects.filter(mds=mds).exists():
            Motif.objects.bulk_create(
                [
                    Motif(mds=mds, libelle=lib, duree_minutes=d, reservable_borne=b, delai_minimum_minutes=dl,
                          horizon_jours=h, ordre=i, libelle_en=MOTIFS_TRADUITS.get(lib, ("", ""))[0],
                          libelle_ar=MOTIFS_TRADUITS.get(lib, ("", ""))[1])
                    for i, (lib, d, b, dl, h) in enumerate(MOTIFS)
                ]
            )  # fmt: skip
            PlageOuverture.objects.bulk_create(
                [PlageOuverture(mds=mds, jour=j, debut=a, fin=b) for j in days for a, b in OPENING]
            )
            Disponibilite.objects.bulk_create(
                [
                    Disponibilite(mds=mds, mediateur=m, jour=j, debut=a, fin=b)
                    for i, m in enumerate(mediators)
                    for j in days
                    # The intern is not on the desk on Wednesdays (school day).
                    if not (m.stagiaire and j == 2)
                    for a, b in OPENING
                ]
            )
        ecran, _ = EcranSalle.objects.get_or_create(mds=mds, nom="Salle d'attente", defaults={"son": True})
        motifs = list(Motif.objects.filter(mds=mds, actif=True))
        context["motifs"][code] = motifs
        context["ecrans"][code] = ecran
        if RendezVous.objects.filter(mds=mds).exists() or not mediators:
            continue
        usagers = list(context.get("usagers", {}).get(code, []))
        _activity(rng, mds, code, days, mediators, motifs, usagers, weeks)
        if out:
            out.write(f"  {code} : écran de salle d'attente → /accueil/ecran/{ecran.token}/")


def _who(rng, usagers):
    if usagers and rng.random() < 0.75:
        return rng.choice(usagers), ""
    return None, f"{rng.choice(INITIALS)}. {rng.choice(INITIALS)}."


def _activity(rng, mds, code, days, mediators, motifs, usagers, weeks):
    now = timezone.now()
    today = timezone.localdate()
    rdvs, passages, counters = [], [], {}
    short = [m for m in motifs if m.duree_minutes <= 45] or motifs

    def add_passage(day, arrival, **fields):
        counters[day] = counters.get(day, 0) + 1
        passages.append(Passage(mds=mds, jour=day, numero=counters[day], arrivee_le=arrival, **fields))

    day = today - timedelta(weeks=weeks)
    while day <= today + timedelta(days=14):
        if _open(day, days):
            day_events = []
            # Appointments: each mediator fills about half of their 30-minute grid.
            for mediator in mediators:
                busy_until = None
                for start in _grid(day, timedelta(minutes=30)):
                    motif = rng.choice(motifs)
                    end = start + motif.duree
                    if busy_until and start < busy_until:
                        continue
                    if end > local_dt(day, OPENING[0][1] if start < local_dt(day, OPENING[1][0]) else OPENING[1][1]):
                        continue
                    if rng.random() > (0.5 if day < today else 0.35):
                        continue
                    if day == today and start < now:
                        continue
                    busy_until = end
                    usager, initials = _who(rng, usagers)
                    rdvs.append(
                        RendezVous(
                            mds=mds, usager=usager, prenom_ou_initiales=initials, mediateur=mediator, motif=motif,
                            debut=start, fin=end, canal=rng.choices(
                                list(CanalReservation.values), weights=[45, 25, 20, 10])[0],
                            rappel=rng.choice([CanalRappel.SMS, CanalRappel.SMS, CanalRappel.AUCUN]),
                            statut=StatutRendezVous.A_VENIR, statut_change_le=now,
                        )
                    )  # fmt: skip
                    rdv = rdvs[-1]
                    if day < today:
                        roll = rng.random()
                        if roll < 0.2:
                            rdv.statut = StatutRendezVous.ABSENT
                        elif roll < 0.28:
                            rdv.statut = StatutRendezVous.EXCUSE
                        elif roll < 0.31:
                            rdv.statut = StatutRendezVous.ANNULE
                        else:
                            rdv.statut = StatutRendezVous.HONORE
                            arrival = start - timedelta(minutes=rng.randint(0, 12))
                            wait = max(60, int((start - arrival).total_seconds()) + rng.randint(0, 600))
                            day_events.append((arrival, rdv, mediator, wait))
            # Walk-ins (past days, and this morning's queue).
            if day <= today:
                for _ in range(rng.randint(3, 9)):
                    arrival = local_dt(day, time(9)) + timedelta(minutes=rng.randint(0, 420))
                    if day == today and arrival > now:
                        continue
                    day_events.append((arrival, None, rng.choice(mediators), rng.randint(120, 45 * 60)))
            for arrival, rdv, mediator, wait in sorted(day_events, key=lambda e: e[0]):
                usager, initials = (rdv.usager, rdv.prenom_ou_initiales) if rdv else _who(rng, usagers)
                priorites = [rng.choice(Priorite.values)] if rng.random() < 0.1 else []
                source = SourcePassage.RENDEZ_VOUS
                if rdv is None:
                    sources = [SourcePassage.ALLER_VERS, SourcePassage.ORIENTE_PROFESSIONNEL,
                               SourcePassage.VENU_DIRECTEMENT, SourcePassage.BORNE]  # fmt: skip
                    source = rng.choices(sources, weights=[45, 20, 25, 10])[0]
                fields = {
                    "usager": usager,
                    "prenom_ou_initiales": initials,
                    "motif": rdv.motif if rdv else rng.choice([*short, None]),
                    "source": source,
                    "priorites": priorites,
                    "prioritaire": bool(priorites),
                }
                taken = arrival + timedelta(seconds=wait)
                if day == today and taken > now:
                    fields["statut"] = StatutPassage.EN_ATTENTE
                elif not rdv and rng.random() < 0.08:
                    fields.update(statut=StatutPassage.PARTI, sorti_le=taken)
                else:
                    fields.update(
                        statut=StatutPassage.EN_CHARGE, appele_le=taken - timedelta(seconds=30), appele_par=mediator,
                        guichet=f"Bureau {1 + mediators.index(mediator)}", pris_en_charge_le=taken,
                        pris_en_charge_par=mediator, attente_secondes=wait,
                    )  # fmt: skip
                add_passage(day, arrival, **fields)
                passages[-1]._rdv = rdv
        day += timedelta(days=1)
    RendezVous.objects.bulk_create(rdvs, batch_size=1000)
    for passage in passages:
        rdv = getattr(passage, "_rdv", None)
        passage.rendez_vous_id = rdv.pk if rdv else None
    Passage.objects.bulk_create(passages, batch_size=1000)
    CompteurTicket.objects.bulk_create(
        [CompteurTicket(mds=mds, jour=d, dernier=n) for d, n in counters.items()],
        update_conflicts=True,
        unique_fields=["mds", "jour"],
        update_fields=["dernier"],
    )
    # Keep each visitor's retention clock right.
    last = {}
    for rdv in rdvs:
        if rdv.usager_id and rdv.statut == StatutRendezVous.HONORE:
            last[rdv.usager_id] = max(last.get(rdv.usager_id, rdv.debut), rdv.debut)
    for passage in passages:
        if passage.usager_id:
            last[passage.usager_id] = max(last.get(passage.usager_id, passage.arrivee_le), passage.arrivee_le)
    for usager_id, when in last.items():
        record_contact(usager_id=usager_id, when=min(when, now))
