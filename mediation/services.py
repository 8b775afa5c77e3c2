"""Writes of the mediation desk: log an accompaniment (and its session-log entries), correct it,
log a held atelier session, hand-offs, tutor review, anonymization and export of a visitor."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import events
from core.locks import advisory_lock
from notifications import services as outbox
from notifications.content import normalize_language
from notifications.models import Message
from usagers.services import record_contact

from . import notifications, referentials
from .enums import (
    TRANSITIONS,
    Etape,
    Nature,
    Posture,
    Resultat,
    SensOrientation,
    StatutOrientation,
)
from .models import (
    Accompagnement,
    Demarche,
    DemarcheRealisee,
    EtapeRealisee,
    JournalActivite,
    JournalDemarche,
    JournalEtape,
    Organisme,
    Orientation,
    PieceDemandee,
    Revue,
    Thematique,
)
from .sceau import sceller

CONSENT_ERROR = (
    "« Faire à la place » sur l'étape de validation : indiquez l'accord de la personne "
    "(elle a vérifié les informations, ou elle n'a pas pu les vérifier)."
)


@dataclass
class OrientationInput:
    sens: str
    destinataire: object | None = None  # core.User
    partenaire: object | None = None  # mediation.Partenaire
    note: str = ""


@dataclass
class DemarcheInput:
    demarche: Demarche
    resultat: str
    etapes: list[tuple[str, str]] = field(default_factory=list)  # (step code, posture)
    consentement: str = ""
    reference_dossier: str = ""
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (label, provided)
    suite_de: DemarcheRealisee | None = None
    orientation: OrientationInput | None = None


@transaction.atomic
def charger_referentiels() -> None:
    """Load the referentials when the tables are empty (e.g. after a test flushed the database).
    Never overwrites what coordinateurs edited."""
    if not Demarche.objects.exists():
        referentials.load(Thematique, Organisme, Demarche)


def check_demarche(*, item: DemarcheInput) -> DemarcheInput:
    """Posture rules of one démarche; returns the démarche as it will be saved.

    - a reserved démarche is not logged as done: no steps, outcome ``orientee``, hand-off to a
      travailleur social;
    - « à la place » on the validation step needs the visitor's recorded consent."""
    if item.demarche.reserve_travailleur_social:
        orientation = item.orientation or OrientationInput(sens=SensOrientation.VERS_TRAVAILLEUR_SOCIAL)
        if orientation.sens != SensOrientation.VERS_TRAVAILLEUR_SOCIAL:
            orientation = OrientationInput(
                sens=SensOrientation.VERS_TRAVAILLEUR_SOCIAL,
                destinataire=orientation.destinataire,
                note=orientation.note,
            )
        return DemarcheInput(
            demarche=item.demarche,
            resultat=Resultat.ORIENTEE,
            etapes=[],
            reference_dossier="",
            pieces=[],
            suite_de=item.suite_de,
            orientation=orientation,
        )
    codes = [code for code, _ in item.etapes]
    if len(codes) != len(set(codes)):
        raise ValidationError({"etapes": "Une même étape est présente deux fois."})
    for code, posture in item.etapes:
        if code not in Etape.values or posture not in Posture.values:
            raise ValidationError({"etapes": "Étape ou posture inconnue."})
    if item.resultat not in Resultat.values:
        raise ValidationError({"resultat": "Choisissez un résultat."})
    needs_consent = any(c == Etape.VALIDATION and p == Posture.A_LA_PLACE for c, p in item.etapes)
    if needs_consent and not item.consentement:
        raise ValidationError({"consentement": CONSENT_ERROR})
    if not needs_consent:
        item.consentement = ""
    if (
        item.orientation
        and item.orientation.sens == SensOrientation.VERS_PARTENAIRE
        and not item.orientation.partenaire
    ):
        raise ValidationError({"orientation": "Choisissez la structure partenaire."})
    return item


class PassageDejaEnregistre(ValidationError):
    """The queue passage already has its accompaniment (Back, history or reload after « Terminer »)."""

    def __init__(self, accompagnement):
        super().__init__("Ce passage est déjà enregistré : voici l'accompagnement, à corriger si besoin.")
        self.accompagnement = accompagnement


def accompagnement_du_passage(*, passage) -> Accompagnement | None:
    return Accompagnement.objects.filter(passage=passage).order_by("pk").first() if passage is not None else None


@transaction.atomic
def enregistrer_accompagnement(
    *,
    mds,
    mediateur,
    cle,
    usager=None,
    passage=None,
    date: dt.date,
    debut: dt.time,
    duree_minutes: int,
    source: str,
    type_lieu: str = "lieu_activite",
    materiel: list[str] | None = None,
    note: str = "",
    demarches: list[DemarcheInput],
) -> tuple[Accompagnement, bool]:
    """Save one sitting with its démarches, steps, checklists, hand-offs and review entries, then
    write the session log. Idempotent on ``cle``: a double-submitted form returns the first one."""
    advisory_lock(f"mediation.accompagnement:{cle}")
    existing = Accompagnement.objects.filter(cle=cle).first()
    if existing is not None:
        if existing.mds_id != mds.pk:
            raise ValidationError("Clé d'enregistrement déjà utilisée.")
        return existing, False
    if usager is not None and usager.mds_id != mds.pk:
        raise ValidationError({"usager": "Cet usager n'appartient pas à cette MDS."})
    if passage is not None and passage.mds_id != mds.pk:
        raise ValidationError({"passage": "Ce passage n'appartient pas à cette MDS."})
    if passage is not None:
        # One accompaniment per queue passage: a second form (other key) for it is refused.
        advisory_lock(f"mediation.passage:{passage.pk}")
        already = accompagnement_du_passage(passage=passage)
        if already is not None:
            raise PassageDejaEnregistre(already)
    if not demarches:
        raise ValidationError({"demarches": "Ajoutez au moins une démarche."})
    items = [check_demarche(item=item) for item in demarches]
    accompagnement = Accompagnement(
        mds=mds,
        usager=usager,
        mediateur=mediateur,
        passage=passage,
        date=date,
        debut=debut,
        duree_minutes=duree_minutes,
        source=source,
        type_lieu=type_lieu,
        materiel=list(materiel or []),
        note=note,
        cle=cle,
    )
    accompagnement.full_clean()
    accompagnement.save()
    _save_demarches(accompagnement, items, by=mediateur)
    if usager is not None:
        record_contact(
            usager_id=usager.pk, when=timezone.make_aware(dt.datetime.combine(date, debut)) if date else None
        )
    journaliser_accompagnement(accompagnement=accompagnement, by=mediateur)
    return accompagnement, True


def _save_demarches(accompagnement, items: list[DemarcheInput], *, by) -> None:
    mediateur = accompagnement.mediateur
    steps, pieces, revues = [], [], []
    for index, item in enumerate(items):
        if item.suite_de is not None and item.suite_de.accompagnement.mds_id != accompagnement.mds_id:
            raise ValidationError("Démarche à poursuivre introuvable.")
        realisee = DemarcheRealisee(
            accompagnement=accompagnement,
            demarche=item.demarche,
            ordre=index,
            resultat=item.resultat,
            reference_dossier=item.reference_dossier,
            consentement=item.consentement,
            suite_de=item.suite_de,
        )
        realisee.full_clean(exclude=["accompagnement"])
        realisee.save()
        for order, (code, posture) in enumerate(item.etapes):
            steps.append(EtapeRealisee(demarche_realisee=realisee, code=code, posture=posture, ordre=order))
        for label, provided in item.pieces:
            piece = PieceDemandee(demarche_realisee=realisee, libelle=label, fournie=provided)
            piece.full_clean(exclude=["demarche_realisee"])
            pieces.append(piece)
        if mediateur.stagiaire and any(p == Posture.A_LA_PLACE for _, p in item.etapes):
            revues.append(Revue(demarche_realisee=realisee, tuteur=mediateur.tuteur))
        if item.orientation is not None:
            orienter(
                mds=accompagnement.mds,
                emetteur=by,
                sens=item.orientation.sens,
                usager=accompagnement.usager,
                destinataire=item.orientation.destinataire,
                partenaire=item.orientation.partenaire,
                note=item.orientation.note,
                demarche=item.demarche,
                demarche_realisee=realisee,
            )
    EtapeRealisee.objects.bulk_create(steps)
    PieceDemandee.objects.bulk_create(pieces)
    Revue.objects.bulk_create(revues)


@transaction.atomic
def corriger_accompagnement(
    *, accompagnement: Accompagnement, by, demarches: list[DemarcheInput] | None = None, **fields
):
    """Correct a sitting: working data is updated, the session log gets a superseding entry."""
    allowed = {"date", "debut", "duree_minutes", "source", "type_lieu", "materiel", "note", "usager"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Champs non modifiables : {sorted(unknown)}")
    accompagnement = Accompagnement.objects.select_for_update().get(pk=accompagnement.pk)
    for name, value in fields.items():
        setattr(accompagnement, name, value)
    accompagnement.full_clean()
    accompagnement.save()
    if demarches is not None:
        items = [check_demarche(item=item) for item in demarches]
        _remplacer_demarches(accompagnement, items, by=by)
    return journaliser_accompagnement(accompagnement=accompagnement, by=by)


def _remplacer_demarches(accompagnement, items: list[DemarcheInput], *, by) -> None:
    """Replace the démarches of a sitting while keeping what others already hold: hand-offs
    already sent are neither sent again nor lost (re-linked to the corrected démarche), and the
    tutor's review of an « à la place » act that is still « à la place » keeps its comment."""
    old = list(accompagnement.demarches.prefetch_related("orientations").select_related("revue"))
    sent = {r.demarche_id: [o.pk for o in r.orientations.all()] for r in old if r.orientations.all()}
    reviews = {}
    for realisee in old:
        revue = getattr(realisee, "revue", None)
        if revue is not None:
            reviews[realisee.demarche_id] = revue
    for item in items:
        if item.demarche.pk in sent:
            item.orientation = None
    accompagnement.demarches.all().delete()
    _save_demarches(accompagnement, items, by=by)
    for realisee in accompagnement.demarches.select_related("revue"):
        if realisee.demarche_id in sent:
            Orientation.objects.filter(pk__in=sent.pop(realisee.demarche_id)).update(demarche_realisee=realisee)
        previous, current = reviews.get(realisee.demarche_id), getattr(realisee, "revue", None)
        if previous is not None and current is not None:
            for name in ("tuteur_id", "acquittee_le", "acquittee_par_id", "commentaire", "lue_le", "created_at"):
                setattr(current, name, getattr(previous, name))
            current.save()


@transaction.atomic
def annuler_accompagnement(*, accompagnement: Accompagnement, by) -> JournalActivite | None:
    """Remove a sitting logged by mistake: the log keeps it, superseded by a cancellation entry."""
    key = f"accompagnement:{accompagnement.pk}"
    advisory_lock(f"mediation.journal:{key}")
    current = JournalActivite.objects.filter(cle=key, remplacee_par__isnull=True).first()
    entry = None
    if current is not None and not current.annulee:
        entry = _copy_as_cancellation(current, by=by)
    accompagnement.delete()
    return entry


def _copy_as_cancellation(current: JournalActivite, *, by) -> JournalActivite:
    entry = _create_cancellation(current, by=by)
    sceller(entry)
    return entry


def _create_cancellation(current: JournalActivite, *, by) -> JournalActivite:
    return JournalActivite.objects.create(
        cle=current.cle,
        version=current.version + 1,
        remplace=current,
        annulee=True,
        nature=current.nature,
        mds_id=current.mds_id,
        date=current.date,
        debut=current.debut,
        duree_minutes=current.duree_minutes,
        source=current.source,
        type_lieu=current.type_lieu,
        materiel=current.materiel,
        participants=0,
        usager_reference=current.usager_reference,
        usager_id=current.usager_id,
        usager_ids=current.usager_ids,
        mediateur_id=current.mediateur_id,
        accompagnement_id=current.accompagnement_id,
        seance_key=current.seance_key,
        created_by=by,
    )


# ------------------------------------------------------------------------------------------
# Session log


def _entry_signature(activity: dict, demarches: list[dict]) -> tuple:
    return (
        tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in activity.items())),
        tuple(
            (
                tuple(sorted((k, v) for k, v in d.items() if k != "etapes")),
                tuple(tuple(e) for e in d["etapes"]),
            )
            for d in demarches
        ),
    )


def _current_signature(entry: JournalActivite, fields: list[str]) -> tuple:
    activity = {name: getattr(entry, name) for name in fields}
    demarches = []
    for d in entry.demarches.all():
        demarches.append(
            {
                "demarche_code": d.demarche_code,
                "organisme_code": d.organisme_code,
                "thematique_code": d.thematique_code,
                "resultat": d.resultat,
                "reserve_travailleur_social": d.reserve_travailleur_social,
                "oriente_vers": d.oriente_vers,
                "consentement": d.consentement,
                "etapes": [(e.etape_code, e.posture) for e in d.etapes.all()],
            }
        )
    return _entry_signature(activity, demarches)


def _write_entry(*, key: str, activity: dict, demarches: list[dict], by) -> JournalActivite:
    """Append a new version of the entry ``key`` unless the current one already says the same."""
    advisory_lock(f"mediation.journal:{key}")
    current = (
        JournalActivite.objects.filter(cle=key, remplacee_par__isnull=True)
        .prefetch_related("demarches__etapes")
        .first()
    )
    if current is not None and not current.annulee:
        if _current_signature(current, list(activity)) == _entry_signature(activity, demarches):
            return current
    entry = JournalActivite.objects.create(
        cle=key,
        version=(current.version + 1) if current else 1,
        remplace=current,
        created_by=by,
        **activity,
    )
    rows = []
    for index, d in enumerate(demarches):
        data = {k: v for k, v in d.items() if k != "etapes"}
        rows.append(JournalDemarche(activite=entry, ordre=index, **data))
    JournalDemarche.objects.bulk_create(rows)
    steps = [
        JournalEtape(demarche=row, ordre=order, etape_code=code, posture=posture)
        for row, d in zip(rows, demarches, strict=True)
        for order, (code, posture) in enumerate(d["etapes"])
    ]
    JournalEtape.objects.bulk_create(steps)
    sceller(entry)
    return entry


@transaction.atomic
def journaliser_accompagnement(*, accompagnement: Accompagnement, by) -> JournalActivite:
    """Write (or supersede) the session-log entry of a sitting: codes and pseudonymous reference only."""
    usager = accompagnement.usager
    mediateur = accompagnement.mediateur
    activity = {
        "nature": Nature.ACCOMPAGNEMENT,
        "mds_id": accompagnement.mds_id,
        "date": accompagnement.date,
        "debut": accompagnement.debut,
        "duree_minutes": accompagnement.duree_minutes,
        "source": accompagnement.source,
        "type_lieu": accompagnement.type_lieu,
        "materiel": sorted(accompagnement.materiel),
        "participants": 1,
        "usager_reference": usager.reference if usager else "",
        "usager_id": usager.pk if usager else None,
        "usager_ids": [usager.pk] if usager else [],
        "mediateur_id": mediateur.pk,
        "mediateur_stagiaire": bool(mediateur.stagiaire),
        "accompagnement_id": accompagnement.pk,
        "seance_key": "",
    }
    demarches = []
    realisees = accompagnement.demarches.select_related("demarche__organisme", "demarche__thematique").prefetch_related(
        "etapes", "orientations"
    )
    for realisee in realisees.order_by("ordre"):
        demarche = realisee.demarche
        orientation = next(iter(realisee.orientations.all()), None)
        demarches.append(
            {
                "demarche_code": demarche.code,
                "organisme_code": demarche.organisme.code if demarche.organisme_id else "",
                "thematique_code": demarche.thematique.code,
                "resultat": realisee.resultat,
                "reserve_travailleur_social": demarche.reserve_travailleur_social,
                "oriente_vers": orientation.sens if orientation else "",
                "consentement": realisee.consentement,
                "etapes": [(e.code, e.posture) for e in sorted(realisee.etapes.all(), key=lambda e: e.ordre)],
            }
        )
    return _write_entry(key=f"accompagnement:{accompagnement.pk}", activity=activity, demarches=demarches, by=by)


@transaction.atomic
def log_atelier_seance(
    *,
    mds,
    animateur,
    date,
    debut,
    duree_minutes: int,
    thematiques: list[str],
    participants: int,
    usager_ids: list[int],
    seance_key: str,
) -> JournalActivite:
    """Session-log entry of a held atelier session (called by the ateliers app when attendance is
    taken). Idempotent per ``seance_key``; a later call with other values supersedes the entry.
    One participant → ``atelier_individuel``, otherwise ``atelier_collectif``."""
    if not seance_key:
        raise ValueError("seance_key est obligatoire.")
    if participants < 0 or duree_minutes <= 0:
        raise ValueError("participants ≥ 0 et duree_minutes > 0.")
    ids = sorted({int(i) for i in usager_ids})
    activity = {
        "nature": Nature.ATELIER_INDIVIDUEL if participants == 1 else Nature.ATELIER_COLLECTIF,
        "mds_id": mds.pk,
        "date": date,
        "debut": debut,
        "duree_minutes": duree_minutes,
        "source": "",
        "type_lieu": "lieu_activite",
        "materiel": [],
        "participants": participants,
        "usager_reference": "",
        "usager_id": ids[0] if participants == 1 and len(ids) == 1 else None,
        "usager_ids": ids,
        "mediateur_id": animateur.pk if animateur else None,
        "mediateur_stagiaire": bool(getattr(animateur, "stagiaire", False)),
        "accompagnement_id": None,
        "seance_key": seance_key[:80],
    }
    demarches = [
        {
            "demarche_code": "",
            "organisme_code": "",
            "thematique_code": code,
            "resultat": "",
            "reserve_travailleur_social": False,
            "oriente_vers": "",
            "consentement": "",
            "etapes": [],
        }
        for code in dict.fromkeys(thematiques)
    ]
    entry = _write_entry(key=f"atelier:{seance_key}"[:80], activity=activity, demarches=demarches, by=animateur)
    when = timezone.make_aware(dt.datetime.combine(date, debut)) if debut else timezone.now()
    for usager_id in ids:
        record_contact(usager_id=usager_id, when=when)
    return entry


def journaliser_seance_atelier(event: events.EmargementCloture) -> JournalActivite:
    """``core.events.EmargementCloture`` handler (subscribed in apps.py): the held atelier séance
    becomes a session-log entry."""
    return log_atelier_seance(
        mds=event.mds,
        animateur=event.animateur,
        date=event.date,
        debut=event.debut,
        duree_minutes=event.duree_minutes,
        thematiques=list(event.thematiques),
        participants=event.participants,
        usager_ids=list(event.usager_ids),
        seance_key=event.seance_key,
    )


# ------------------------------------------------------------------------------------------
# Hand-offs and review


@transaction.atomic
def orienter(
    *,
    mds,
    emetteur,
    sens: str,
    usager=None,
    destinataire=None,
    partenaire=None,
    note: str = "",
    creneau_souhaite=None,
    demarche=None,
    demarche_realisee=None,
) -> Orientation:
    if usager is not None and usager.mds_id != mds.pk:
        raise ValidationError({"usager": "Cet usager n'appartient pas à cette MDS."})
    if partenaire is not None and partenaire.mds_id != mds.pk:
        raise ValidationError({"partenaire": "Structure partenaire inconnue pour cette MDS."})
    if destinataire is not None and not destinataire.memberships.filter(mds=mds).exists():
        raise ValidationError({"destinataire": "Ce destinataire ne travaille pas dans cette MDS."})
    if sens != SensOrientation.VERS_PARTENAIRE:
        partenaire = None
    orientation = Orientation(
        mds=mds,
        sens=sens,
        usager=usager,
        emetteur=emetteur,
        destinataire=destinataire,
        partenaire=partenaire,
        note=note,
        creneau_souhaite=creneau_souhaite,
        demarche=demarche,
        demarche_realisee=demarche_realisee,
    )
    orientation.full_clean()
    orientation.save()
    if usager is not None:
        record_contact(usager_id=usager.pk)
    return orientation


@transaction.atomic
def changer_statut_orientation(*, orientation: Orientation, by, statut: str, reponse: str = "") -> Orientation:
    orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if statut not in TRANSITIONS.get(orientation.statut, ()):
        raise ValidationError({"statut": "Ce changement de statut n'est pas possible."})
    orientation.statut = statut
    if reponse:
        orientation.reponse = reponse
    if statut == StatutOrientation.ACCEPTEE and orientation.destinataire_id is None:
        orientation.destinataire = by
    orientation.full_clean()
    orientation.save()
    return orientation


@transaction.atomic
def acquitter_revue(*, revue: Revue, tuteur, commentaire: str = "") -> Revue:
    """The tutor saw the intern's « à la place » act. Nothing of the act is edited."""
    revue = Revue.objects.select_for_update().get(pk=revue.pk)
    if revue.acquittee_le is not None:
        return revue
    revue.acquittee_le = timezone.now()
    revue.acquittee_par = tuteur
    revue.commentaire = commentaire
    revue.full_clean()
    revue.save()
    return revue


@transaction.atomic
def marquer_revue_lue(*, revue: Revue, stagiaire) -> Revue:
    """The intern read the tutor's feedback on one of her « à la place » acts (idempotent)."""
    revue = Revue.objects.select_for_update().select_related("demarche_realisee__accompagnement").get(pk=revue.pk)
    if revue.demarche_realisee.accompagnement.mediateur_id != stagiaire.pk:
        raise ValidationError("Ce retour ne vous est pas adressé.")
    if revue.acquittee_le is None:
        raise ValidationError("Ce retour n'a pas encore été donné.")
    if revue.lue_le is None:
        revue.lue_le = timezone.now()
        revue.save(update_fields=["lue_le"])
    return revue


# ------------------------------------------------------------------------------------------
# Visitor rights (registered in apps.py)


@transaction.atomic
def anonymiser_usager(usager) -> None:
    """Blank the free text and application references of the visitor's accompaniments and
    hand-offs. The session log holds neither, so statistics do not change."""
    DemarcheRealisee.objects.filter(accompagnement__usager=usager).exclude(reference_dossier="").update(
        reference_dossier=""
    )
    Accompagnement.objects.filter(usager=usager).exclude(note="").update(note="")
    Orientation.objects.filter(usager=usager).update(note="", reponse="")


def exporter_usager(usager) -> tuple[str, list]:
    """What the mediation desk holds about a visitor (right of access)."""
    data = []
    accompagnements = (
        Accompagnement.objects.filter(usager=usager)
        .select_related("mediateur")
        .prefetch_related("demarches__demarche__organisme", "demarches__etapes", "demarches__pieces")
        .order_by("date", "debut")
    )
    for acc in accompagnements:
        data.append(
            {
                "date": acc.date.isoformat(),
                "debut": acc.debut.strftime("%H:%M"),
                "duree_minutes": acc.duree_minutes,
                "venue": acc.get_source_display(),
                "mediateur": acc.mediateur.get_full_name(),
                "note": acc.note,
                "demarches": [
                    {
                        "demarche": str(d.demarche),
                        "resultat": d.get_resultat_display(),
                        "reference_dossier": d.reference_dossier,
                        "accord": d.get_consentement_display() if d.consentement else "",
                        "etapes": [f"{e.get_code_display()} : {e.get_posture_display()}" for e in d.etapes.all()],
                        "pieces": [{"piece": p.libelle, "fournie": p.fournie} for p in d.pieces.all()],
                    }
                    for d in acc.demarches.all()
                ],
            }
        )
    orientations = [
        {
            "date": o.created_at.isoformat(),
            "sens": o.get_sens_display(),
            "statut": o.get_statut_display(),
            "note": o.note,
            "reponse": o.reponse,
        }
        for o in Orientation.objects.filter(usager=usager).order_by("created_at")
    ]
    return "Médiation numérique", {"accompagnements": data, "orientations": orientations}


# --- Récapitulatif sent to the visitor (SMS / e-mail through the notifications outbox) ----------

logger = logging.getLogger(__name__)

RECAP_DEJA_ENVOYE = "Le récapitulatif a déjà été envoyé."


class RecapitulatifDejaEnvoye(ValidationError):
    """A récapitulatif message already exists for this accompaniment (planned, sent or failed)."""

    def __init__(self):
        super().__init__(RECAP_DEJA_ENVOYE, code="deja_envoye")


@transaction.atomic
def envoyer_recapitulatif(*, accompagnement: Accompagnement, now: dt.datetime | None = None) -> Message:
    """Send the récapitulatif to the visitor now, on their contact channel, through the outbox.

    At most one per accompaniment: a second call raises ``RecapitulatifDejaEnvoye`` (the row lock
    on the accompaniment serializes double clicks; the outbox's unique constraint on
    (object, kind, channel) backs it up). Raises ``ValidationError`` when there is no usable contact
    (anonymous sitting, opted out, no phone / e-mail)."""
    now = now or timezone.now()
    accompagnement = (
        Accompagnement.objects.select_for_update(of=("self",)).select_related("usager", "mds").get(pk=accompagnement.pk)
    )
    etat = notifications.envoi_recapitulatif(accompagnement)
    if etat.message is not None:
        raise RecapitulatifDejaEnvoye()
    if not etat.canal:
        raise ValidationError(etat.raison, code="pas_de_contact")
    usager = accompagnement.usager
    language = normalize_language(usager.langue)
    message = outbox.schedule_for_usager(
        kind=notifications.Kind.RECAPITULATIF,
        obj=accompagnement,
        usager=usager,
        mds=accompagnement.mds,
        send_at=now,
        context=notifications.recapitulatif_context(accompagnement, language=language),
    )
    if message is None:  # contact vanished between the check and the call
        raise ValidationError("Envoi impossible : pas de contact utilisable.", code="pas_de_contact")
    logger.info("mediation: récapitulatif planifié (accompagnement %s, canal %s)", accompagnement.pk, message.channel)
    return message
