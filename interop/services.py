"""Writes of the interop app: API clients (issue, revoke, authenticate, journal, rate limit),
calendar subscriptions. The data·inclusion import is in ``datainclusion``, the busy-time import in
``calendars``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import AbonnementCalendrier, AppelApi, ClientApi, Scope, hash_secret, new_secret

DEFAULT_API_RATE = "600/h"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# --- API clients ----------------------------------------------------------------------------


@transaction.atomic
def creer_client(*, nom: str, scopes: list[str], par) -> tuple[ClientApi, str]:
    """Issue a client; returns it and its bearer token ``<id>:<secret>`` (shown once, never stored)."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValidationError({"scopes": "Choisissez au moins un droit valide."})
    secret = new_secret()
    client = ClientApi(nom=nom.strip(), scopes=sorted(set(scopes)), cree_par=par, secret_hash=hash_secret(secret))
    client.full_clean()
    client.save()
    return client, f"{client.pk}:{secret}"


@transaction.atomic
def revoquer_client(*, client: ClientApi, par) -> ClientApi:
    client = ClientApi.objects.select_for_update().get(pk=client.pk)
    if client.revoque_le is None:
        client.revoque_le = timezone.now()
        client.revoque_par = par
        client.save(update_fields=["revoque_le", "revoque_par"])
    return client


def authentifier_client(token: str) -> ClientApi | None:
    """The active client of a bearer token, or None (unknown, revoked or malformed)."""
    client_id, sep, secret = (token or "").strip().partition(":")
    if not sep or not secret:
        return None
    try:
        pk = uuid.UUID(client_id)
    except ValueError:
        return None
    client = ClientApi.objects.filter(pk=pk, revoque_le__isnull=True).first()
    if client is None or not client.verifie(secret):
        return None
    return client


def _rate() -> tuple[int, int]:
    count, _, period = getattr(settings, "INTEROP_API_RATE", DEFAULT_API_RATE).partition("/")
    return int(count), int(period[:-1] or 1) * PERIODS[period[-1]]


def appel_autorise(client: ClientApi) -> bool:
    """Count one call of ``client`` in a fixed window (Redis); False beyond the limit."""
    count, period = _rate()
    key = f"interop:api:rl:{client.pk}"
    if cache.add(key, 1, timeout=period):
        return True
    try:
        return cache.incr(key) <= count
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return True


def journaliser_appel(*, client, chemin: str, parametres: str, statut: int, nombre: int) -> AppelApi:
    appel = AppelApi.objects.create(client=client, chemin=chemin, parametres=parametres, statut=statut, nombre=nombre)
    if client is not None and statut == 200:
        ClientApi.objects.filter(pk=client.pk).update(dernier_appel=appel.le)
    return appel


# --- Calendar subscriptions -----------------------------------------------------------------


@transaction.atomic
def creer_abonnement(*, user) -> tuple[AbonnementCalendrier, str]:
    """A new secret subscription URL token for ``user`` (the previous ones are revoked)."""
    now = timezone.now()
    AbonnementCalendrier.objects.filter(user=user, revoque_le__isnull=True).update(revoque_le=now)
    token = new_secret()
    abonnement = AbonnementCalendrier(user=user, token_hash=hash_secret(token))
    abonnement.full_clean()
    abonnement.save()
    return abonnement, token


@transaction.atomic
def revoquer_abonnement(*, abonnement: AbonnementCalendrier) -> None:
    if abonnement.revoque_le is None:
        abonnement.revoque_le = timezone.now()
        abonnement.save(update_fields=["revoque_le"])


def abonnement_pour(token: str) -> AbonnementCalendrier | None:
    if not token or len(token) > 100:
        return None
    abonnement = (
        AbonnementCalendrier.objects.filter(token_hash=hash_secret(token), revoque_le__isnull=True)
        .select_related("user")
        .first()
    )
    if abonnement is None or not abonnement.user.is_active:
        return None
    AbonnementCalendrier.objects.filter(pk=abonnement.pk).update(dernier_acces=timezone.now())
    return abonnement


# --- External busy-time calendars -----------------------------------------------------------


@transaction.atomic
def enregistrer_agenda_externe(*, mds, mediateur, url: str = "", contenu: str = ""):
    """Declare (or replace) the external calendar of a mediator at an MDS; its first refresh runs
    in the worker (interop.tasks.synchroniser_agenda)."""
    from .models import AgendaExterne
    from .tasks import synchroniser_agenda

    if not mediateur.memberships.filter(mds=mds).exists():
        raise ValidationError({"mediateur": "Cette personne ne travaille pas dans cette MDS."})
    agenda, _ = AgendaExterne.objects.get_or_create(mds=mds, mediateur=mediateur)
    agenda.url = url
    agenda.contenu = contenu if not url else ""
    agenda.full_clean()
    agenda.save()
    synchroniser_agenda.delay_on_commit(agenda.pk)
    return agenda


@transaction.atomic
def supprimer_agenda_externe(*, agenda) -> None:
    """Stop importing: the imported busy times go with it."""
    from accueil.models import Absence

    Absence.objects.filter(mds_id=agenda.mds_id, mediateur_id=agenda.mediateur_id, origine="agenda_externe").delete()
    agenda.delete()
