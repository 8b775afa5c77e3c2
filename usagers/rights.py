"""Rights of the person (GDPR art. 15 and 17): a complete export of what is held, and anonymization.

The export gathers the visitor record, the references of the access journal (date and operation:
never a staff member's assessment) and every section that other apps add through ``hooks.exporters``."""

from django.utils import timezone

from . import hooks
from .enums import CanalContact, Equipement, Genre, Langue, OperationJournal, StatutSocial, TrancheAge
from .journal import log_access
from .models import AccesJournal, Usager


def _yes_no(value):
    return {True: "Oui", False: "Non", None: "Non renseigné"}[value]


def fiche(usager: Usager) -> dict:
    """Every field of the visitor record, with French labels and readable values."""
    return {
        "Référence": usager.reference,
        "Maison départementale de la solidarité": usager.mds.nom,
        "Prénom ou initiale": usager.prenom or "Non renseigné",
        "Nom ou initiale": usager.nom or "Non renseigné",
        "Téléphone portable": str(usager.telephone) if usager.telephone else "Non renseigné",
        "Adresse e-mail": usager.email or "Non renseignée",
        "Canal de contact préféré": CanalContact(usager.canal_contact).label,
        "Refus des messages le": _date(usager.opt_out_le),
        "Langue préférée": Langue(usager.langue).label,
        "Besoin d'un interprète": _yes_no(usager.besoin_interprete),
        "Difficulté à lire ou écrire le français": _yes_no(usager.difficulte_lecture),
        "Commune (code INSEE)": usager.commune_insee or "Non renseignée",
        "Genre": Genre(usager.genre).label,
        "Tranche d'âge": TrancheAge(usager.tranche_age).label,
        "Statut social": StatutSocial(usager.statut_social).label,
        "Équipement": ", ".join(Equipement(e).label for e in usager.equipements if e in Equipement.values)
        or "Non renseigné",
        "Internet à domicile": _yes_no(usager.internet_domicile),
        "Note de suivi": usager.note or "Aucune",
        "Fiche créée le": _date(usager.created_at),
        "Dernière modification le": _date(usager.updated_at),
        "Dernier contact le": _date(usager.last_contact_at),
        "Anonymisée le": _date(usager.anonymise_le),
    }


def _date(value):
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def journal_references(usager: Usager) -> list[dict]:
    entries = AccesJournal.objects.filter(usager_pk=usager.pk).order_by("id").only("created_at", "operation")
    return [{"Date": _date(e.created_at), "Opération": OperationJournal(e.operation).label} for e in entries]


def build_export(usager: Usager) -> dict:
    sections = [
        {"titre": "Fiche usager", "donnees": fiche(usager)},
        {"titre": "Journal des accès à la fiche (date et opération)", "donnees": journal_references(usager)},
    ]
    for exporter in hooks.exporters:
        title, data = exporter(usager)
        sections.append({"titre": title, "donnees": data})
    return {
        "titre": f"Données détenues sur la personne {usager.reference}",
        "responsable_du_traitement": f"Département des Bouches-du-Rhône — {usager.mds.nom}",
        "genere_le": _date(timezone.now()),
        "sections": sections,
    }


def export_usager(*, usager: Usager, user) -> dict:
    """Build the complete export and journal it."""
    data = build_export(usager)
    log_access(user=user, mds=usager.mds, operation=OperationJournal.EXPORT, usager=usager)
    return data


def for_display(value):
    """Shape export data for the printable page: (kind, value) with kind in text/dict/table/list."""
    if isinstance(value, dict):
        return {"kind": "dict", "items": [(k, for_display(v)) for k, v in value.items()]}
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for row in value for k in row))
            rows = [[_text(row.get(c, "")) for c in columns] for row in value]
            return {"kind": "table", "columns": columns, "rows": rows}
        return {"kind": "list", "items": [for_display(v) for v in value]}
    return {"kind": "text", "value": _text(value)}


def _text(value) -> str:
    if value is None:
        return "—"
    if value is True:
        return "Oui"
    if value is False:
        return "Non"
    if isinstance(value, dict | list | tuple):
        return ", ".join(_text(v) for v in (value.values() if isinstance(value, dict) else value))
    return str(value)
