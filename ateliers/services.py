"""Every write of the ateliers app. Keyword-only arguments, one transaction each.

Capacity and waitlist: every change of a séance's registrations locks the séance row
(``SELECT … FOR UPDATE``) first, so concurrent registrations are serialised per séance, and the
``places_prises <= capacite`` CHECK constraint backs it up in the database.

Messages to visitors: every change is recorded as an ``Evenement`` row (``inscription``,
``promotion``, ``annulation_inscrit``…) visible on the séance page, and ``ateliers.notifications.notify``
plans the matching messages in the notifications outbox in the same transaction (reminder the day
before, "a place is free", "atelier annulé"). ``promote_from_waitlist`` and ``cancel_seance`` return
what changed."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core import events
from usagers.enums import TrancheAge
from usagers.models import Usager
from usagers.services import record_contact

from . import recurrence
from .enums import Format, MotifAnnulation, Presence, StatutInscription, StatutSeance, TypeEvenement
from .models import Atelier, Evenement, Fermeture, Inscription, ParticipantAnonyme, Seance, Serie
from .notifications import notify

logger = logging.getLogger(__name__)

DEFAULT_ALERTE_MINIMUM_HEURES = 48


def alerte_minimum_heures() -> int:
    """How many hours before the start a collective séance under its minimum is flagged
    (setting ``ATELIERS_ALERTE_MINIMUM_HEURES``, 48 by default)."""
    return int(getattr(settings, "ATELIERS_ALERTE_MINIMUM_HEURES", DEFAULT_ALERTE_MINIMUM_HEURES))


class InscriptionRefusee(ValidationError):
    pass


def _event(seance, type_, *, inscription=None, detail="", par=None) -> Evenement:
    return Evenement.objects.create(
        mds_id=seance.mds_id, seance=seance, type=type_, inscription=inscription, detail=detail[:200], par=par
    )


def _after_commit(events: list[Evenement]) -> None:
    """Runs after the commit with the events just recorded (counts only in the logs, no personal data)."""
    if events:
        logger.info(
            "ateliers: %d événement(s) enregistré(s)", len(events), extra={"types": sorted({e.type for e in events})}
        )


def _locked(seance_id) -> Seance:
    return Seance.objects.select_for_update().get(pk=seance_id)


# --- Planning -------------------------------------------------------------------------------------


@dataclass
class Planification:
    seances: list[Seance] = field(default_factory=list)
    ignorees: list[recurrence.Occurrence] = field(default_factory=list)
    serie: Serie | None = None


@transaction.atomic
def planifier_seances(
    *,
    mds,
    atelier: Atelier,
    premier_jour: dt.date,
    heure: dt.time,
    duree_minutes: int,
    frequence: str = "unique",
    jusqu_au: dt.date | None = None,
    salle: str = "",
    animateur=None,
    capacite: int | None = None,
    minimum_participants: int | None = None,
    usager: Usager | None = None,
    par=None,
) -> Planification:
    """Create the séances of a one-off or recurring slot. French public holidays and the MDS's
    closures are skipped (returned in ``ignorees``). An individual series registers ``usager`` on
    every séance."""
    regle = recurrence.build_rule(premier_jour=premier_jour, heure=heure, frequence=frequence, jusqu_au=jusqu_au)
    fermetures = list(Fermeture.objects.for_mds(mds).filter(date_fin__gte=premier_jour))
    occurrences = recurrence.occurrences(regle, fermetures=fermetures)
    result = Planification()
    if frequence != "unique":
        result.serie = Serie.objects.create(
            mds=mds,
            atelier=atelier,
            regle=regle,
            date_debut=premier_jour,
            date_fin=jusqu_au or premier_jour,
            usager=usager,
            created_by=par,
        )
    individuel = atelier.format == Format.INDIVIDUEL
    capacite = 1 if individuel else (capacite or atelier.capacite)
    minimum = 1 if individuel else (minimum_participants or atelier.minimum_participants)
    if minimum > capacite:
        raise ValidationError({"minimum_participants": "Le minimum ne peut pas dépasser la capacité."})
    for occ in occurrences:
        if occ.ignoree:
            result.ignorees.append(occ)
            continue
        debut = timezone.make_aware(dt.datetime.combine(occ.date, heure))
        seance = Seance(
            mds=mds,
            atelier=atelier,
            serie=result.serie,
            format=atelier.format,
            debut=debut,
            fin=debut + dt.timedelta(minutes=duree_minutes),
            salle=salle,
            animateur=animateur,
            capacite=capacite,
            minimum_participants=minimum,
            created_by=par,
        )
        seance.full_clean()
        result.seances.append(seance)
    Seance.objects.bulk_create(result.seances)
    if usager is not None:
        for seance in result.seances:
            inscrire(seance_id=seance.pk, usager_id=usager.pk, par=par)
    return result


# --- Registrations --------------------------------------------------------------------------------


@transaction.atomic
def inscrire(
    *,
    seance_id: int,
    usager_id: int | None = None,
    tranche_age: str = TrancheAge.NON_COMMUNIQUE,
    deja_accompagne: bool | None = None,
    prenom_ou_initiales: str = "",
    sans_liste_attente: bool = False,
    par=None,
    now=None,
) -> Inscription:
    """Register a visitor (or an anonymous person when ``usager_id`` is None, possibly with the
    first name typed at the kiosk). Beyond capacity the person goes on the waitlist, unless
    ``sans_liste_attente`` (the kiosk): then refused with code ``complete``. Refused too: past or
    cancelled séance, visitor already registered."""
    now = now or timezone.now()
    seance = _locked(seance_id)
    if seance.statut == StatutSeance.ANNULEE:
        raise InscriptionRefusee("Cette séance est annulée : impossible de s'y inscrire.", code="annulee")
    if seance.debut <= now or seance.statut != StatutSeance.PLANIFIEE:
        raise InscriptionRefusee(
            "Cette séance a déjà commencé ou est passée : impossible de s'y inscrire.", code="passee"
        )
    if usager_id is not None:
        usager = Usager.objects.get(pk=usager_id)
        if usager.mds_id != seance.mds_id:
            raise InscriptionRefusee("Cet usager n'est pas suivi par cette MDS.", code="mds")
        deja = seance.inscriptions.filter(
            usager_id=usager_id, statut__in=[StatutInscription.INSCRIT, StatutInscription.ATTENTE]
        ).first()
        if deja is not None:
            where = "sur la liste d'attente" if deja.statut == StatutInscription.ATTENTE else "inscrit·e"
            raise InscriptionRefusee(f"Cette personne est déjà {where} pour cette séance.", code="doublon")
        tranche_age = usager.tranche_age
    place = seance.places_prises < seance.capacite
    if not place and sans_liste_attente:
        raise InscriptionRefusee("Cette séance est complète.", code="complete")
    inscription = Inscription(
        mds_id=seance.mds_id,
        seance=seance,
        usager_id=usager_id,
        tranche_age=tranche_age,
        deja_accompagne=deja_accompagne,
        prenom_ou_initiales=prenom_ou_initiales if usager_id is None else "",
        statut=StatutInscription.INSCRIT if place else StatutInscription.ATTENTE,
        attente_depuis=None if place else now,
        par=par,
    )
    inscription.full_clean(exclude=["seance", "mds", "usager", "par"])
    try:
        with transaction.atomic():
            inscription.save()
    except IntegrityError as error:  # the partial unique index: a double submit raced us
        raise InscriptionRefusee("Cette personne est déjà inscrite pour cette séance.", code="doublon") from error
    if place:
        Seance.objects.filter(pk=seance.pk).update(places_prises=F("places_prises") + 1)
    event = _event(
        seance,
        TypeEvenement.INSCRIPTION if place else TypeEvenement.MISE_EN_ATTENTE,
        inscription=inscription,
        par=par,
    )
    if usager_id is not None:
        record_contact(usager_id=usager_id, when=now)
    notify([event], now=now)
    transaction.on_commit(lambda: _after_commit([event]))
    return inscription


def _promote(seance: Seance, *, par=None) -> list[Inscription]:
    """Fill free places from the waitlist, first come first served. Caller holds the row lock."""
    free = seance.capacite - seance.places_prises
    if free <= 0 or seance.statut != StatutSeance.PLANIFIEE:
        return []
    promoted = list(
        seance.inscriptions.filter(statut=StatutInscription.ATTENTE).order_by("attente_depuis", "id")[:free]
    )
    if not promoted:
        return []
    Inscription.objects.filter(pk__in=[i.pk for i in promoted]).update(statut=StatutInscription.INSCRIT)
    Seance.objects.filter(pk=seance.pk).update(places_prises=F("places_prises") + len(promoted))
    seance.places_prises += len(promoted)
    events = []
    for rank, inscription in enumerate(promoted, start=1):
        inscription.statut = StatutInscription.INSCRIT
        events.append(
            _event(
                seance,
                TypeEvenement.PROMOTION,
                inscription=inscription,
                detail=f"Rang {rank} de la liste d'attente",
                par=par,
            )
        )
    notify(events)
    transaction.on_commit(lambda: _after_commit(events))
    return promoted


@transaction.atomic
def promote_from_waitlist(*, seance_id: int, par=None) -> list[Inscription]:
    """Promote waitlisted people into free places, in the order they joined the waitlist."""
    return _promote(_locked(seance_id), par=par)


@transaction.atomic
def desinscrire(*, inscription_id: int, par=None) -> list[Inscription]:
    """Cancel a registration (or leave the waitlist). Frees the place and promotes from the
    waitlist; returns the promoted registrations."""
    seance_id = Inscription.objects.values_list("seance_id", flat=True).get(pk=inscription_id)
    seance = _locked(seance_id)
    inscription = Inscription.objects.select_for_update().get(pk=inscription_id)
    if inscription.statut == StatutInscription.ANNULEE:
        return []
    was_registered = inscription.statut == StatutInscription.INSCRIT
    inscription.statut = StatutInscription.ANNULEE
    inscription.save(update_fields=["statut"])
    event = _event(seance, TypeEvenement.DESINSCRIPTION, inscription=inscription, par=par)
    notify([event])
    transaction.on_commit(lambda: _after_commit([event]))
    if was_registered:
        Seance.objects.filter(pk=seance.pk).update(places_prises=F("places_prises") - 1)
        seance.places_prises -= 1
        return _promote(seance, par=par)
    return []


@transaction.atomic
def modifier_capacite(*, seance_id: int, capacite: int, par=None) -> list[Inscription]:
    """Change the capacity of a séance. Refused below the current registrations (with the count);
    a larger capacity promotes from the waitlist."""
    seance = _locked(seance_id)
    if capacite < seance.places_prises:
        raise ValidationError(
            {
                "capacite": (
                    f"Impossible : {seance.places_prises} personne{'s' if seance.places_prises > 1 else ''} "
                    f"déjà inscrite{'s' if seance.places_prises > 1 else ''}. "
                    "Désinscrivez d'abord pour réduire la capacité."
                )
            }
        )
    if capacite < 1 or capacite > 100:
        raise ValidationError({"capacite": "La capacité doit être comprise entre 1 et 100."})
    if capacite == seance.capacite:
        return []
    old = seance.capacite
    seance.capacite = capacite
    if seance.minimum_participants > capacite:
        seance.minimum_participants = capacite
    seance.save(update_fields=["capacite", "minimum_participants"])
    _event(seance, TypeEvenement.CAPACITE, detail=f"{old} → {capacite} places", par=par)
    return _promote(seance, par=par)


# --- Cancellation, minimum of participants --------------------------------------------------------


@transaction.atomic
def cancel_seance(
    *, seance_id: int, motif: str = MotifAnnulation.AUTRE, par=None, now=None, _sans_message=frozenset()
) -> list[Inscription]:
    """Cancel a séance. Every registrant and waitlisted person gets an ``annulation_inscrit`` event
    (the notifications outbox sends them a message). Returns those registrations."""
    now = now or timezone.now()
    seance = _locked(seance_id)
    if seance.statut != StatutSeance.PLANIFIEE:
        raise ValidationError("Seule une séance planifiée peut être annulée.")
    if motif not in MotifAnnulation.values:
        raise ValidationError({"motif": "Motif d'annulation inconnu."})
    seance.statut = StatutSeance.ANNULEE
    seance.motif_annulation = motif
    seance.annulee_le = now
    seance.save(update_fields=["statut", "motif_annulation", "annulee_le"])
    events = [_event(seance, TypeEvenement.ANNULATION, detail=MotifAnnulation(motif).label, par=par)]
    concernees = list(
        seance.inscriptions.filter(statut__in=[StatutInscription.INSCRIT, StatutInscription.ATTENTE]).order_by("id")
    )
    events += [_event(seance, TypeEvenement.ANNULATION_INSCRIT, inscription=i, par=par) for i in concernees]
    notify(events, now=now, skip_inscriptions=_sans_message)
    transaction.on_commit(lambda: _after_commit(events))
    return concernees


@transaction.atomic
def cancel_rest_of_series(*, seance_id: int, motif: str = MotifAnnulation.AUTRE, par=None, now=None) -> list[Seance]:
    """Cancel this séance and every later planned séance of its series."""
    seance = Seance.objects.get(pk=seance_id)
    if seance.serie_id is None:
        cancel_seance(seance_id=seance.pk, motif=motif, par=par, now=now)
        return [seance]
    rest = list(
        Seance.objects.filter(serie_id=seance.serie_id, debut__gte=seance.debut, statut=StatutSeance.PLANIFIEE)
        .order_by("debut")
        .values_list("pk", flat=True)
    )
    for pk in rest:
        cancel_seance(seance_id=pk, motif=motif, par=par, now=now)
    return list(Seance.objects.filter(pk__in=rest).order_by("debut"))


def seances_a_signaler(*, now=None):
    """Collective séances under their minimum that start within the alert delay."""
    now = now or timezone.now()
    limite = now + dt.timedelta(hours=alerte_minimum_heures())
    return Seance.objects.filter(
        format=Format.COLLECTIF,
        statut=StatutSeance.PLANIFIEE,
        alerte_minimum_le__isnull=True,
        debut__gt=now,
        debut__lte=limite,
        places_prises__lt=F("minimum_participants"),
    )


def signaler_seances_sous_minimum(*, now=None) -> list[int]:
    """Flag (once) the collective séances still under their minimum N hours before the start: the
    facilitator sees the alert on the calendar and the séance page, with the choice to cancel or
    convert to individual séances. Idempotent."""
    now = now or timezone.now()
    flagged = []
    for seance_id in seances_a_signaler(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            seance = _locked(seance_id)
            if seance.alerte_minimum_le or seance.places_prises >= seance.minimum_participants:
                continue
            seance.alerte_minimum_le = now
            seance.save(update_fields=["alerte_minimum_le"])
            _event(
                seance,
                TypeEvenement.ALERTE_MINIMUM,
                detail=f"{seance.places_prises} inscrit·e(s) pour un minimum de {seance.minimum_participants}",
            )
            flagged.append(seance_id)
    return flagged


@transaction.atomic
def convertir_en_individuel(*, seance_id: int, par=None, now=None) -> list[Seance]:
    """Replace a collective séance by one individual séance per registrant, one after the other in
    the same time slot (at least 30 minutes each), and cancel the collective séance. Waitlisted
    people are told the collective séance is cancelled."""
    now = now or timezone.now()
    seance = _locked(seance_id)
    if seance.statut != StatutSeance.PLANIFIEE or not seance.est_collective:
        raise ValidationError("Seule une séance collective planifiée peut être convertie.")
    inscrits = list(seance.inscriptions.filter(statut=StatutInscription.INSCRIT).order_by("created_at", "id"))
    if not inscrits:
        raise ValidationError("Personne n'est inscrit : annulez la séance plutôt que de la convertir.")
    slot = max(30, (seance.duree_minutes // len(inscrits)) // 15 * 15)
    created = []
    for index, ancienne in enumerate(inscrits):
        debut = seance.debut + dt.timedelta(minutes=slot * index)
        nouvelle = Seance.objects.create(
            mds_id=seance.mds_id,
            atelier_id=seance.atelier_id,
            format=Format.INDIVIDUEL,
            debut=debut,
            fin=debut + dt.timedelta(minutes=slot),
            salle=seance.salle,
            animateur_id=seance.animateur_id,
            capacite=1,
            minimum_participants=1,
            places_prises=1,
            created_by=par,
        )
        copie = Inscription.objects.create(
            mds_id=seance.mds_id,
            seance=nouvelle,
            usager_id=ancienne.usager_id,
            tranche_age=ancienne.tranche_age,
            deja_accompagne=ancienne.deja_accompagne,
            par=par,
        )
        notify(
            [
                _event(
                    nouvelle,
                    TypeEvenement.INSCRIPTION,
                    inscription=copie,
                    detail="Issue d'une séance collective",
                    par=par,
                )
            ],
            now=now,
        )
        created.append(nouvelle)
    events = [
        _event(seance, TypeEvenement.CONVERSION, detail=f"{len(created)} séance(s) individuelle(s) créée(s)", par=par)
    ]
    transaction.on_commit(lambda: _after_commit(events))
    # The people who got an individual séance are not told "cancelled"; the waitlist is.
    cancel_seance(
        seance_id=seance.pk,
        motif=MotifAnnulation.CONVERSION_INDIVIDUEL,
        par=par,
        now=now,
        _sans_message=frozenset(i.pk for i in inscrits),
    )
    return created


# --- Attendance -----------------------------------------------------------------------------------


def _check_emargement_ouvert(seance: Seance, now) -> None:
    if seance.statut == StatutSeance.ANNULEE:
        raise ValidationError("Cette séance est annulée.")
    if timezone.localdate(seance.debut) > timezone.localdate(now):
        raise ValidationError("L'émargement s'ouvre le jour de la séance.")


@transaction.atomic
def marquer_presence(*, inscription_id: int, presence: str, par=None, now=None) -> Inscription:
    now = now or timezone.now()
    if presence not in (Presence.PRESENT, Presence.ABSENT, Presence.NON_RENSEIGNE):
        raise ValidationError({"presence": "Valeur de présence inconnue."})
    inscription = Inscription.objects.select_related("seance").select_for_update(of=("self",)).get(pk=inscription_id)
    _check_emargement_ouvert(inscription.seance, now)
    if inscription.statut != StatutInscription.INSCRIT:
        raise ValidationError("Seules les personnes inscrites peuvent être émargées.")
    inscription.presence = presence
    inscription.save(update_fields=["presence"])
    if presence == Presence.PRESENT and inscription.usager_id:
        record_contact(usager_id=inscription.usager_id, when=inscription.seance.debut)
    return inscription


@transaction.atomic
def ajouter_participants_anonymes(
    *, seance_id: int, tranche_age: str, deja_accompagne: bool, nombre: int, par=None, now=None
) -> ParticipantAnonyme:
    """Add walk-in participants counted by band (tranche d'âge, new or already accompanied)."""
    now = now or timezone.now()
    seance = _locked(seance_id)
    _check_emargement_ouvert(seance, now)
    if tranche_age not in TrancheAge.values:
        raise ValidationError({"tranche_age": "Tranche d'âge inconnue."})
    if not 1 <= int(nombre) <= 50:
        raise ValidationError({"nombre": "Indiquez un nombre entre 1 et 50."})
    row, created = ParticipantAnonyme.objects.get_or_create(
        seance=seance,
        tranche_age=tranche_age,
        deja_accompagne=deja_accompagne,
        defaults={"mds_id": seance.mds_id, "nombre": nombre},
    )
    if not created:
        if row.nombre + nombre > 50:
            raise ValidationError({"nombre": "Au plus 50 personnes par tranche : corrigez le nombre."})
        ParticipantAnonyme.objects.filter(pk=row.pk).update(nombre=F("nombre") + nombre)
        row.refresh_from_db()
    return row


@transaction.atomic
def retirer_participants_anonymes(*, participant_id: int, par=None, now=None) -> None:
    now = now or timezone.now()
    row = ParticipantAnonyme.objects.select_related("seance").get(pk=participant_id)
    _check_emargement_ouvert(row.seance, now)
    row.delete()


def _emit_held(seance: Seance, *, presents: list[Inscription], anonymes: int) -> None:
    """Tell the peers a séance was held (``core.events.EmargementCloture``): the mediation app logs
    it in the session log (idempotent per séance through ``seance_key``). A séance nobody came to
    emits nothing."""
    if not presents and not anonymes:
        return
    events.emit(
        events.EmargementCloture(
            mds=seance.mds,
            animateur=seance.animateur,
            date=timezone.localdate(seance.debut),
            debut=timezone.localtime(seance.debut).time(),
            duree_minutes=seance.duree_minutes,
            thematiques=list(seance.atelier.thematiques),
            participants=len(presents) + anonymes,
            usager_ids=[i.usager_id for i in presents if i.usager_id],
            seance_key=f"atelier-seance-{seance.pk}",
        )
    )


@transaction.atomic
def cloturer_emargement(*, seance_id: int, par=None, now=None) -> Seance:
    """Mark the séance as held: registered people not marked present are recorded absent, present
    visitors get a contact, and the peers are told the séance was held (``EmargementCloture``)."""
    now = now or timezone.now()
    seance = _locked(seance_id)
    _check_emargement_ouvert(seance, now)
    if seance.statut == StatutSeance.TENUE:
        raise ValidationError("L'émargement de cette séance est déjà clôturé.")
    if seance.debut > now:
        raise ValidationError("La séance n'a pas encore commencé.")
    seance.inscriptions.filter(statut=StatutInscription.INSCRIT, presence="").update(presence=Presence.ABSENT)
    presents = list(seance.inscriptions.filter(statut=StatutInscription.INSCRIT, presence=Presence.PRESENT))
    anonymes = sum(seance.anonymes.values_list("nombre", flat=True))
    seance.statut = StatutSeance.TENUE
    seance.cloturee_le = now
    seance.save(update_fields=["statut", "cloturee_le"])
    _event(seance, TypeEvenement.CLOTURE, detail=f"{len(presents) + anonymes} participant(s)", par=par)
    for inscription in presents:
        if inscription.usager_id:
            record_contact(usager_id=inscription.usager_id, when=seance.debut)
    _emit_held(seance, presents=presents, anonymes=anonymes)
    return seance
