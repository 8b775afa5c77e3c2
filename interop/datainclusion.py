"""Partners from data·inclusion: structures and services of the Département's export file,
imported into mediation's partner directory (``Partenaire``, ``source="data_inclusion"``).

Input: the published schema (gip-inclusion/data-inclusion-schema): a JSON file with
``{"structures": [...], "services": [...]}``, or two JSON files (lists), or JSON Lines. A structure
has ``source``, ``id``, ``nom``, ``siret``, ``adresse``, ``code_postal``, ``code_insee``,
``commune``, ``telephone``, ``courriel``, ``horaires_accueil`` (OSM opening hours) and a typology
— ``typologie`` (schema ≤ 0.x) or ``reseaux_porteurs`` (schema 1.x); a service has ``structure_id``,
``source``, ``nom``, ``thematiques``.

Rules (docs/interop.md):
- a structure joins the MDS of its commune (same INSEE code, else same postcode), within the
  Département (``INTEROP_DEPARTEMENT_CODE``); its typology gives the Coop redirection code;
- an import only creates or updates partners that came from data·inclusion; manual partners are
  never touched; imported partners absent from a later file are deactivated, never deleted
  (orientations keep pointing at them);
- broken rows are skipped and listed in the run's report with the reason; unknown fields are
  ignored (listed once); a field refused by validation is left empty and reported. Nothing else
  is lost: a file that cannot be read changes nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import MDS
from mediation.models import Partenaire

from .models import ImportDataInclusion

STRUCTURE_FIELDS = {
    "source", "id", "nom", "description", "date_maj", "siret", "commune", "code_postal", "code_insee",
    "adresse", "complement_adresse", "longitude", "latitude", "telephone", "courriel", "site_web",
    "horaires_accueil", "accessibilite_lieu", "reseaux_porteurs", "typologie", "lien_source", "labels_nationaux",
    "labels_autres", "thematiques", "presentation_resume", "presentation_detail", "antenne", "rna",
}  # fmt: skip
SERVICE_FIELDS = {
    "source", "id", "structure_id", "nom", "description", "presentation_resume", "presentation_detail",
    "thematiques", "typologie", "type", "types", "date_maj", "horaires_accueil", "frais", "frais_autres",
    "profils", "publics", "modes_accueil", "modes_mobilisation", "mobilisable_par", "lien_mobilisation",
    "telephone", "courriel", "adresse", "commune", "code_postal", "code_insee", "complement_adresse",
    "longitude", "latitude", "zone_diffusion_type", "zone_diffusion_code", "zone_diffusion_nom",
    "contact_nom_prenom", "contact_public", "cumulable", "date_creation", "date_suspension",
    "formulaire_en_ligne", "justificatifs", "lien_source", "modes_orientation_accompagnateur",
    "modes_orientation_beneficiaire", "pre_requis", "recurrence", "conditions_acces", "volume_horaire_hebdomadaire",
    "nombre_semaines", "publics_precisions", "prise_rdv", "page_web",
}  # fmt: skip

# data·inclusion structure typology (or carrying network) → Coop structure_de_redirection
TYPOLOGIE_TO_REDIRECTION = {
    **dict.fromkeys(["MUNI", "PREF", "CC", "EPCI", "ETAT", "CFP", "REG", "CD", "DEETS", "MAIRIE"], "administration"),
    **dict.fromkeys(["CAF", "CPAM", "MSA", "CARSAT", "URSSAF"], "operateur_ou_organisme_en_charge"),
    **dict.fromkeys(
        [
            "CCAS",
            "CIAS",
            "CS",
            "CSC",
            "MDS",
            "CDAS",
            "DEPT",
            "EVS",
            "MQ",
            "UDAF",
            "CHRS",
            "CHU",
            "ES",
            "ASE",
            "CMS",
            "CENTRE_SOCIAL",
        ],
        "aide_sociale",
    ),  # fmt: skip
    **dict.fromkeys(
        [
            "FT",
            "ML",
            "CAP_EMPLOI",
            "MDE",
            "MDEF",
            "PLIE",
            "CITMET",
            "E2C",
            "EPIDE",
            "ACI",
            "AI",
            "EI",
            "ETTI",
            "GEIQ",
            "CCONS",
            "AFPA",
            "OF",
            "FRANCE_TRAVAIL",
            "MISSION_LOCALE",
        ],
        "insertion_professionnelle",
    ),  # fmt: skip
    **dict.fromkeys(["RFS", "MSAP", "PIMMS", "PAD", "PI", "FRANCE_SERVICES"], "aide_aux_demarches_administratives"),
    **dict.fromkeys(
        ["EPN", "EPI", "ENM", "FABLAB", "BIB", "TIERS_LIEUX", "CONSEILLER_NUMERIQUE", "MEDIATHEQUE"],
        "mediation_numerique",
    ),
}


def normaliser_typologie(value: str) -> str:
    return (value or "").strip().upper().replace("-", "_").replace(" ", "_")


def typologie_de(structure: dict) -> str:
    """The structure's typology code: ``typologie`` or the first known carrying network."""
    candidates = [structure.get("typologie")] + list(structure.get("reseaux_porteurs") or [])
    codes = [normaliser_typologie(c) for c in candidates if isinstance(c, str) and c.strip()]
    known = [c for c in codes if c in TYPOLOGIE_TO_REDIRECTION]
    return (known or codes or [""])[0][:20]


def redirection_de(typologie: str) -> str:
    return TYPOLOGIE_TO_REDIRECTION.get(typologie, "autre")


class FichierIllisible(Exception):
    pass


def lire(*paths: str | Path) -> tuple[list, list]:
    """(structures, services) from one combined file or two files (structures, services)."""
    structures, services = [], []
    for path in paths:
        text = Path(path).read_text(encoding="utf-8-sig")
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            try:
                data = [json.loads(line) for line in text.splitlines() if line.strip()]
            except json.JSONDecodeError as error:
                raise FichierIllisible(f"{Path(path).name} : JSON illisible (ligne {error.lineno}).") from error
        if isinstance(data, dict):
            structures += data.get("structures") or []
            services += data.get("services") or []
        elif isinstance(data, list):
            if any(isinstance(row, dict) and "structure_id" in row for row in data):
                services += data
            else:
                structures += data
        else:
            raise FichierIllisible(f"{Path(path).name} : ni liste ni objet JSON.")
    return structures, services


def _mds_index():
    by_insee, by_cp = {}, defaultdict(list)
    for mds in MDS.objects.filter(active=True):
        if mds.commune_insee:
            by_insee[mds.commune_insee] = mds
        if mds.code_postal:
            by_cp[mds.code_postal].append(mds)
    return by_insee, by_cp


def _texte(value, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if isinstance(value, (str, int, float)) else ""


def importer(*paths: str | Path, source: str = "") -> ImportDataInclusion:
    """Import a data·inclusion export; returns the run with its report (also when nothing was read)."""
    run = ImportDataInclusion(source=(source or ", ".join(Path(p).name for p in paths))[:300])
    try:
        structures, services = lire(*paths)
    except (OSError, UnicodeDecodeError, FichierIllisible) as error:
        run.erreur = str(error)[:300]
        run.save()
        return run
    with transaction.atomic():
        _importer(run, structures, services)
        run.save()
    return run


def _importer(run: ImportDataInclusion, structures: list, services: list) -> None:
    departement = str(getattr(settings, "INTEROP_DEPARTEMENT_CODE", "13"))
    ignores, unknown = [], set()
    run.structures_lues, run.services_lus = len(structures), len(services)

    services_par_structure = defaultdict(list)
    for k, service in enumerate(services):
        if not isinstance(service, dict) or not service.get("structure_id") or not service.get("nom"):
            ignores.append({"ligne": f"service {k + 1}", "raison": "service sans structure_id ou sans nom"})
            continue
        unknown |= set(service) - SERVICE_FIELDS
        key = (str(service.get("source") or ""), str(service["structure_id"]))
        services_par_structure[key].append(service)

    by_insee, by_cp = _mds_index()
    seen = set()
    now = timezone.now()
    existing = {
        (p.mds_id, p.source_id): p for p in Partenaire.objects.select_for_update().filter(source="data_inclusion")
    }
    for k, structure in enumerate(structures):
        label = f"structure {k + 1}"
        if not isinstance(structure, dict):
            ignores.append({"ligne": label, "raison": "ligne qui n'est pas un objet"})
            continue
        unknown |= set(structure) - STRUCTURE_FIELDS
        ident, src, nom = (_texte(structure.get(f), 150) for f in ("id", "source", "nom"))
        if ident:
            label = f"{src}/{ident}" if src else ident
        if not ident or not nom:
            ignores.append({"ligne": label, "raison": "identifiant ou nom manquant"})
            continue
        code_insee, code_postal = _texte(structure.get("code_insee"), 5), _texte(structure.get("code_postal"), 5)
        if not (code_insee.startswith(departement) or code_postal.startswith(departement)):
            ignores.append({"ligne": label, "raison": f"hors du département {departement}"})
            continue
        mds = by_insee.get(code_insee) or next(iter(by_cp.get(code_postal, [])), None)
        if mds is None:
            ignores.append({"ligne": label, "raison": "aucune MDS sur cette commune"})
            continue
        siret = _texte(structure.get("siret"), 14)
        typologie = typologie_de(structure)
        noms_services = [_texte(s.get("nom"), 80) for s in services_par_structure.get((src, ident), [])]
        adresse = ", ".join(
            x for x in [_texte(structure.get("adresse"), 120), f"{code_postal} {_texte(structure.get('commune'), 60)}"]
            if x.strip()
        )  # fmt: skip
        contact = " · ".join(
            x for x in [_texte(structure.get("telephone"), 20), _texte(structure.get("courriel"), 80)] if x
        )
        values = {
            "nom": nom[:120],
            "adresse": adresse[:200],
            "permanences": _texte(structure.get("horaires_accueil"), 300),
            "contact": contact[:120],
            "thematiques": ", ".join(dict.fromkeys(n for n in noms_services if n))[:200],
            "siret": siret if siret.isdigit() and len(siret) == 14 else "",
            "typologie": typologie,
            "structure_de_redirection": redirection_de(typologie),
            "actif": True,
            "source_maj": now,
        }
        source_id = f"{src}/{ident}"[:200]
        partner = existing.get((mds.pk, source_id)) or Partenaire(mds=mds, source="data_inclusion", source_id=source_id)
        created = partner.pk is None
        for field, value in values.items():
            setattr(partner, field, value)
        try:
            partner.full_clean()
        except ValidationError as error:
            dropped = [f for f in error.message_dict if f in values and f not in ("nom", "structure_de_redirection")]
            for field in dropped:
                setattr(partner, field, "")
            try:
                partner.full_clean()
            except ValidationError:
                ignores.append(
                    {"ligne": label, "raison": "valeurs refusées : " + ", ".join(sorted(error.message_dict))}
                )
                continue
            ignores.append({"ligne": label, "raison": "importée sans : " + ", ".join(dropped), "importee": True})
        partner.save()
        seen.add((mds.pk, source_id))
        run.crees += created
        run.mis_a_jour += not created
    # A file that brought no valid structure deactivates nothing (a truncated download is not a closure).
    stale = [p.pk for key, p in existing.items() if key not in seen and p.actif] if seen else []
    run.desactives = Partenaire.objects.filter(pk__in=stale).update(actif=False)
    if unknown:
        ignores.append({"ligne": "—", "raison": "champs inconnus ignorés : " + ", ".join(sorted(unknown))[:250]})
    run.ignores = ignores
