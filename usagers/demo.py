"""Demo visitors: ~300 per demo MDS with the distributions of the field survey (domain brief §7).

Idempotent: an MDS that already has its visitors gets no new ones. Puts
``context["usagers"] = {mds_code: [Usager, ...]}`` for the seeders that follow."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .enums import CanalContact, Equipement, Genre, Langue, StatutSocial, TrancheAge
from .models import REFERENCE_ALPHABET, Usager
from .parsing import reference_prefix, search_key

PER_MDS = {"demo": 300, "departement": 2000}

PRENOMS_F = ["Fatima", "Nadia", "Sarah", "Amina", "Léa", "Aïcha", "Marie", "Samia", "Inès", "Chantal", "Yasmine",
             "Sylvie", "Khadija", "Manon", "Awa", "Josiane", "Mériem", "Océane", "Leïla", "Odile"]  # fmt: skip
PRENOMS_M = ["Mohamed", "Karim", "Jean", "Yacine", "Mehdi", "Pierre", "Moussa", "Thierry", "Rachid", "Kevin",
             "Ahmed", "Lucas", "Bilal", "Gérard", "Sofiane", "Mamadou", "Nicolas", "Youssef", "Franck",
             "Idriss"]  # fmt: skip
NOMS = ["Benali", "Martin", "Diallo", "Bernard", "Haddad", "Garcia", "Rossi", "Nguyen", "Mansouri", "Petit",
        "Traoré", "Lopez", "Cherif", "Durand", "Amrani", "Moreau", "Ba", "Fabre", "Belkacem", "Giraud", "Sow",
        "Ferrari", "Kaci", "Roux", "Said", "Blanc", "Ouali", "Mercier", "Camara", "Santoni"]  # fmt: skip
COMMUNES = {"MAL": ["13213", "13214", "13212"], "MAR": ["13054", "13044", "13056"], "ROL": ["13209", "13210", "13208"]}


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _reference(rng, prefix, taken):
    while True:
        reference = f"{prefix}-{''.join(rng.choice(REFERENCE_ALPHABET) for _ in range(4))}"
        if reference not in taken:
            taken.add(reference)
            return reference


def _phone(rng):
    # Metropolitan mobile numbers (0639 and 069x are overseas ranges).
    return f"+336{rng.choice([10, 12, 15, 20, 24, 31, 45, 52, 63, 67, 71, 78, 84])}{rng.randrange(10**6):06d}"


def build(rng, mds, taken, now):
    genre = _weighted(rng, [(Genre.FEMININ, 49), (Genre.MASCULIN, 43), (Genre.NON_COMMUNIQUE, 8)])
    tranche = _weighted(
        rng,
        [
            (TrancheAge.DOUZE_DIX_HUIT, 6),
            (TrancheAge.DIX_HUIT_VINGT_QUATRE, 22),  # < 25: 28 %
            (TrancheAge.VINGT_CINQ_TRENTE_NEUF, 34),  # 26-40: 34 %
            (TrancheAge.QUARANTE_CINQUANTE_NEUF, 22),  # > 40: 38 %
            (TrancheAge.SOIXANTE_SOIXANTE_NEUF, 9),
            (TrancheAge.SOIXANTE_DIX_PLUS, 5),
            (TrancheAge.NON_COMMUNIQUE, 2),
        ],
    )
    if tranche == TrancheAge.DOUZE_DIX_HUIT:
        statut = StatutSocial.SCOLARISE
    elif tranche in (TrancheAge.SOIXANTE_SOIXANTE_NEUF, TrancheAge.SOIXANTE_DIX_PLUS):
        statut = _weighted(
            rng, [(StatutSocial.RETRAITE, 80), (StatutSocial.SANS_EMPLOI, 15), (StatutSocial.NON_COMMUNIQUE, 5)]
        )
    else:
        statut = _weighted(
            rng,
            [(StatutSocial.SANS_EMPLOI, 52), (StatutSocial.EN_EMPLOI, 25), (StatutSocial.SCOLARISE, 6),
             (StatutSocial.NON_COMMUNIQUE, 17)],
        )  # fmt: skip
    equipements = []
    if rng.random() < 0.78:
        equipements.append(Equipement.SMARTPHONE)
    if rng.random() < 0.45:  # desktop 28 %, laptop 26 %, with overlap
        equipements.append(Equipement.ORDINATEUR)
    if rng.random() < 0.20:
        equipements.append(Equipement.TABLETTE)
    if not equipements:
        equipements = [Equipement.AUCUN]
    named = rng.random() < 0.6
    if named:
        pool = PRENOMS_F if genre == Genre.FEMININ else PRENOMS_M if genre == Genre.MASCULIN else PRENOMS_F + PRENOMS_M
        prenom = rng.choice(pool)
        nom = rng.choice(NOMS) if rng.random() < 0.8 else rng.choice(NOMS)[0] + "."
    else:
        prenom = nom = ""
    telephone = _phone(rng) if Equipement.SMARTPHONE in equipements and rng.random() < 0.7 else ""
    email = ""
    if named and rng.random() < 0.25:
        email = f"{search_key(prenom, '').replace(' ', '')}.{rng.randrange(100, 999)}@exemple.fr"
    canal = (
        CanalContact.SMS if telephone and rng.random() < 0.8 else CanalContact.EMAIL if email else CanalContact.AUCUN
    )
    langue = _weighted(
        rng,
        [(Langue.FR, 74), (Langue.AR, 12), (Langue.EN, 3), (Langue.ES, 2), (Langue.TR, 2), (Langue.UK, 2),
         (Langue.PS, 2), (Langue.FA, 1), (Langue.RU, 1), (Langue.AUTRE, 1)],
    )  # fmt: skip
    last_contact = now - timedelta(days=rng.randrange(0, 600), minutes=rng.randrange(0, 600))
    return Usager(
        mds=mds,
        reference=_reference(rng, reference_prefix(mds), taken),
        prenom=prenom,
        nom=nom,
        recherche=search_key(prenom, nom),
        telephone=telephone,
        email=email,
        canal_contact=canal,
        langue=langue,
        besoin_interprete=langue != Langue.FR and rng.random() < 0.5,
        difficulte_lecture=rng.random() < 0.2,
        commune_insee=rng.choice(COMMUNES.get(mds.code, [mds.commune_insee or ""])) if rng.random() < 0.7 else "",
        genre=genre,
        tranche_age=tranche,
        statut_social=statut,
        equipements=equipements,
        internet_domicile=rng.random() < 0.58 if rng.random() < 0.9 else None,
        last_contact_at=last_contact if rng.random() < 0.9 else None,
    )


@transaction.atomic
def seed(context: dict) -> None:
    rng = context["rng"]
    target = PER_MDS.get(context.get("scale", "demo"), PER_MDS["demo"])
    now = timezone.now()
    result = {}
    for code, mds in context["mds"].items():
        existing = list(Usager.objects.filter(mds=mds).order_by("pk"))
        missing = target - len(existing)
        if missing > 0:
            taken = {u.reference for u in existing}
            Usager.objects.bulk_create([build(rng, mds, taken, now) for _ in range(missing)], batch_size=500)
            existing = list(Usager.objects.filter(mds=mds).order_by("pk"))
        result[code] = existing
    context["usagers"] = result
    if context.get("stdout"):
        context["stdout"].write(f"  usagers : {sum(len(v) for v in result.values())} fiches")
