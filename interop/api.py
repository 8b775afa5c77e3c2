"""``GET /api/v1/activites``: the activity feed in the shape of La Coop's API (JSON:API list,
cursor pagination, ``filter[creation|modification][depuis]``), read-only, for the Département's
or the ANCT's tools. Bearer ``<client-id>:<secret>`` with scopes (clients are issued and revoked by
coordinateurs, ``interop.views``). Every call is journaled (``AppelApi``); rate-limited per client.

Errors are JSON ``{"error": "…"}``: 401 unknown/revoked/malformed token, 403 missing scope,
400 bad parameter or cursor, 429 too many calls. The OpenAPI document is ``/api/v1/openapi.json``."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from typing import Literal
from urllib.parse import urlencode

from django.db.models import Q
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict

from mediation import coop

from . import coop_mapping, services
from .models import Scope

PAGE_MAX = 500


class Refus(Exception):
    def __init__(self, status: int, message: str, client=None):
        super().__init__(message)
        self.status, self.message, self.client = status, message, client


class BearerClient(HttpBearer):
    """``Authorization: Bearer <client-id>:<secret>``; the client must hold ``scope``."""

    openapi_description = "Jeton « identifiant:secret » délivré par un·e coordinateur·rice (affiché une seule fois)."

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token):
        client = services.authentifier_client(token)
        if client is None:
            raise Refus(401, "Jeton inconnu, révoqué ou mal formé.")
        if self.scope not in client.scopes:
            raise Refus(403, f"Ce jeton n'a pas le droit « {self.scope} ».", client)
        if not services.appel_autorise(client):
            raise Refus(429, "Trop d'appels : réessayez plus tard.", client)
        request.client_api = client
        return client


api = NinjaAPI(
    title="MDS connectée — API des activités (format La Coop de la médiation numérique)",
    version="1.0.0",
    description=(
        "Activités de médiation numérique anonymes, avec le vocabulaire de La Coop de la médiation "
        f"numérique (dépôt {coop.COOP_SOURCE_REPOSITORY}, version {coop.COOP_SOURCE_COMMIT[:8]}). "
        "Lecture seule. Voir docs/interop.md."
    ),
    urls_namespace="api_v1",
    docs_url=None,  # the interactive page would load third-party assets
    openapi_url="/openapi.json",
)


def _journal(request, status: int, nombre: int = 0, client=None):
    services.journaliser_appel(
        client=client or getattr(request, "client_api", None),
        chemin=request.path[:200],
        parametres=urlencode(sorted((k, v[:100]) for k, v in request.GET.items()))[:500],
        statut=status,
        nombre=nombre,
    )


def _erreur(request, status: int, message: str, client=None):
    _journal(request, status, client=client)
    response = api.create_response(request, {"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Refus)
def _refus(request, exc: Refus):
    return _erreur(request, exc.status, exc.message, exc.client)


@api.exception_handler(AuthenticationError)
def _non_authentifie(request, exc):
    return _erreur(request, 401, "Jeton manquant : en-tête « Authorization: Bearer identifiant:secret ».")


@api.exception_handler(NinjaValidationError)
def _invalide(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(p) for p in first.get("loc", [])[1:]) or "paramètre"
    return _erreur(request, 400, f"Paramètre invalide : {where}.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _erreur(request, exc.status_code, str(exc))


class Erreur(Schema):
    error: str


class Beneficiaires(Schema):
    total: int
    genres: dict[str, int]
    tranches_age: dict[str, int]
    statuts: dict[str, int]


def _enum(values):
    return Literal[tuple(values)]  # type: ignore[valid-type]


class ActiviteAttributs(Schema):
    type: _enum(coop.TYPE_ACTIVITE)
    mediateur_id: str | None = Field(description="Toujours vide : le personnel n'est jamais publié un par un.")
    user_id: str | None
    accompagnements: int
    date: dt.date
    duree: int = Field(description="durée en minutes")
    type_lieu: _enum(coop.TYPE_LIEU)
    structure_id: str | None
    lieu_code_postal: str | None
    lieu_commune: str | None
    lieu_code_insee: str | None
    creation: dt.datetime
    modification: dt.datetime
    suppression: dt.datetime | None
    autonomie: _enum(coop.AUTONOMIE) | None
    oriente_vers_structure: bool | None
    structure_de_redirection: _enum(coop.STRUCTURE_DE_REDIRECTION) | None
    materiel: list[_enum(coop.MATERIEL)]
    thematiques: list[_enum(coop.THEMATIQUES)]
    tags: list[str]
    precisions_demarche: str | None
    titre_atelier: str | None
    niveau_atelier: _enum(coop.NIVEAU_ATELIER) | None
    beneficiaires: Beneficiaires


class Activite(Schema):
    type: Literal["activite"]
    id: str
    attributes: ActiviteAttributs
    meta: dict[str, str]


class Lien(Schema):
    href: str


class Liens(Schema):
    self: Lien
    next: Lien | None = None


class Meta(Schema):
    total_count: int
    items_per_page: int
    total_pages: int
    has_next_page: bool
    has_prev_page: bool


class ListeActivites(Schema):
    data: list[Activite]
    links: Liens
    meta: Meta


class Filtres(Schema):
    model_config = ConfigDict(populate_by_name=True)

    page_size: int = Field(PAGE_MAX, ge=1, le=PAGE_MAX, alias="page[size]", description="éléments par page")
    page_after: str | None = Field(None, alias="page[after]", max_length=200, description="curseur (links.next)")
    creation_depuis: str | None = Field(
        None,
        alias="filter[creation][depuis]",
        description="création ≥ cette date-heure (RFC 3339, ex. 2026-10-01T00:00:00Z)",
        json_schema_extra={"format": "date-time"},
    )
    modification_depuis: str | None = Field(
        None,
        alias="filter[modification][depuis]",
        description="dernière modification ≥ cette date-heure (RFC 3339) : l'heure du tirage précédent",
        json_schema_extra={"format": "date-time"},
    )


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_depuis(value: str | None, name: str) -> dt.datetime | None:
    """A strict RFC 3339 date-time (what the OpenAPI document says), or a 400."""
    if value is None:
        return None
    match = RFC3339.match(value)
    try:
        if not match:
            raise ValueError(value)
        if match.group(1) == "60":  # leap second: the clock shows :59
            value = value[: match.start(1)] + "59" + value[match.end(1) :]
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that RFC 3339 allows.
        moment = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00")).astimezone(dt.UTC)
    except (OverflowError, ValueError) as error:
        raise HttpError(400, f"Date-heure invalide : {name} (format RFC 3339 attendu).") from error
    return moment


def encode_cursor(modification: dt.datetime, pk: int) -> str:
    raw = f"{modification.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        when, _, pk = raw.partition("|")
        moment = dt.datetime.fromisoformat(when)
        number = int(pk)
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as error:
        raise HttpError(400, "Curseur de pagination invalide (page[after]).") from error
    if moment.tzinfo is None or not 0 < number < 2**63:
        raise HttpError(400, "Curseur de pagination invalide (page[after]).")
    return moment, number


ERREURS = {400: Erreur, 401: Erreur, 403: Erreur, 429: Erreur}


@api.get(
    "/activites",
    response={200: ListeActivites, **ERREURS},
    auth=BearerClient(Scope.ACTIVITES),
    summary="Liste des activités",
    description=(
        "Activités triées par date de dernière modification décroissante. Une activité supprimée "
        "reste listée avec `suppression` renseignée ; une correction change `modification`. "
        "Tirage incrémental : `filter[modification][depuis]` = l'heure du tirage précédent."
    ),
    tags=["Activités"],
)
def liste_activites(request, filtres: Query[Filtres]):
    depuis_creation = parse_depuis(filtres.creation_depuis, "filter[creation][depuis]")
    depuis_modification = parse_depuis(filtres.modification_depuis, "filter[modification][depuis]")
    cursor = decode_cursor(filtres.page_after) if filtres.page_after else None
    qs = coop_mapping.entrees()
    if depuis_creation:
        qs = qs.filter(creation__gte=depuis_creation)
    if depuis_modification:
        qs = qs.filter(created_at__gte=depuis_modification)
    total = qs.count()
    page_qs = qs.order_by("-created_at", "-pk")
    if cursor:
        moment, pk = cursor
        page_qs = page_qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = coop_mapping.activites(page_qs[: filtres.page_size + 1])
    has_next = len(rows) > filtres.page_size
    rows = rows[: filtres.page_size]

    base = {}
    if filtres.page_size != PAGE_MAX:
        base["page[size]"] = filtres.page_size
    for key in ("filter[creation][depuis]", "filter[modification][depuis]"):
        if key in request.GET:
            base[key] = request.GET[key]
    url = request.build_absolute_uri(request.path)

    def href(after=None):
        params = {**base, **({"page[after]": after} if after else {})}
        return f"{url}?{urlencode(params)}" if params else url

    data = [
        {
            "type": "activite",
            "id": row["id"],
            "attributes": {k: v for k, v in row.items() if not k.startswith("_") and k != "id"},
            "meta": {"structure": row["_mds_code"]},
        }
        for row in rows
    ]
    links = {"self": {"href": href(filtres.page_after)}}
    if has_next and rows:
        links["next"] = {"href": href(encode_cursor(rows[-1]["_modification"], rows[-1]["_pk"]))}
    _journal(request, 200, len(data))
    return Status(
        200,
        {
            "data": data,
            "links": links,
            "meta": {
                "total_count": total,
                "items_per_page": filtres.page_size,
                "total_pages": math.ceil(total / filtres.page_size) if total else 0,
                "has_next_page": has_next,
                "has_prev_page": cursor is not None,
            },
        },
    )
