"""Writes of the kiosk app: devices (create, pairing, revocation) and anonymous feedback."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.models import MDS

from . import codes
from .enums import AvisTag, Ressenti
from .models import Avis, Borne, hash_secret

PAIRING_VALIDITY = timedelta(hours=24)


class AppairageInvalide(Exception):
    """Unknown, used, expired or revoked pairing code."""


@transaction.atomic
def creer_borne(*, mds: MDS, nom: str, par=None) -> tuple[Borne, str]:
    """Create a device and its one-time pairing code. Returns (borne, clear pairing code)."""
    borne = Borne(mds=mds, nom=nom.strip(), creee_par=par)
    code = _set_pairing_code(borne)
    borne.full_clean()
    borne.save()
    return borne, code


@transaction.atomic
def nouveau_code_appairage(*, borne: Borne) -> str:
    """A fresh pairing code (e.g. to replace the tablet); the current tablet keeps working until
    the new code is used."""
    borne = Borne.objects.select_for_update().get(pk=borne.pk)
    if not borne.active:
        raise AppairageInvalide("Cette borne est révoquée.")
    code = _set_pairing_code(borne)
    borne.save(update_fields=["code_appairage_hash", "code_appairage_expire_le"])
    return code


def _set_pairing_code(borne: Borne) -> str:
    code = codes.random_code(codes.PAIRING_CODE_LENGTH)
    borne.code_appairage_hash = hash_secret(code)
    borne.code_appairage_expire_le = timezone.now() + PAIRING_VALIDITY
    return code


@transaction.atomic
def appairer(*, code: str, secret: str) -> Borne:
    """Use a pairing code once: the device's credential becomes ``secret`` (stored hashed) and
    any previous tablet of this device stops working."""
    normalized = codes.normalize(code)
    if len(normalized) != codes.PAIRING_CODE_LENGTH:
        raise AppairageInvalide("Code d'appairage invalide.")
    borne = (
        Borne.objects.select_for_update()
        .select_related("mds")
        .filter(code_appairage_hash=hash_secret(normalized), revoquee_le__isnull=True)
        .first()
    )
    if borne is None or borne.code_appairage_expire_le is None or borne.code_appairage_expire_le < timezone.now():
        raise AppairageInvalide("Code d'appairage invalide ou expiré.")
    borne.code_appairage_hash = ""
    borne.code_appairage_expire_le = None
    borne.identifiant_hash = hash_secret(secret)
    borne.appairee_le = timezone.now()
    borne.save(update_fields=["code_appairage_hash", "code_appairage_expire_le", "identifiant_hash", "appairee_le"])
    return borne


@transaction.atomic
def revoquer_borne(*, borne: Borne) -> Borne:
    """End the device now: its cookie is refused from the next request on."""
    borne = Borne.objects.select_for_update().get(pk=borne.pk)
    borne.revoquee_le = borne.revoquee_le or timezone.now()
    borne.identifiant_hash = ""
    borne.code_appairage_hash = ""
    borne.code_appairage_expire_le = None
    borne.save(update_fields=["revoquee_le", "identifiant_hash", "code_appairage_hash", "code_appairage_expire_le"])
    return borne


def enregistrer_avis(*, mds: MDS, ressenti: int, tags: list[str] | None = None) -> Avis:
    """Store one anonymous opinion for today in this MDS (nothing else: no time, no device)."""
    avis = Avis(
        mds=mds,
        jour=timezone.localdate(),
        ressenti=Ressenti(int(ressenti)),
        tags=sorted({AvisTag(t).value for t in tags or []}),
    )
    avis.full_clean()
    avis.save()
    return avis
