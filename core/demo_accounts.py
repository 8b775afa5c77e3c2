"""Demo accounts: pure data (importable before Django is set up, e.g. by scripts/run_dev.py)."""

from .roles import Role

DEMO_PASSWORD = "Demo-MDS-13-2026"
DEMO_TOTP_SECRET = "MDSDEMOTOTPSECRETBOUCHESDURHONE2"  # base32, demo only

DEMO_MDS = [
    {
        "code": "MAL",
        "nom": "MDS Vallon de Malpassé",
        "adresse": "Avenue Salvador Allende",
        "code_postal": "13013",
        "commune": "Marseille",
        "commune_insee": "13213",
        "territoire": "Marseille Nord",
        "telephone": "04 13 31 00 00",
    },
    {
        "code": "MAR",
        "nom": "MDS de Marignane",
        "adresse": "Boulevard de la Libération",
        "code_postal": "13700",
        "commune": "Marignane",
        "commune_insee": "13054",
        "territoire": "Étang de Berre",
        "telephone": "04 13 31 00 01",
    },
    {
        "code": "ROL",
        "nom": "MDS Romain Rolland",
        "adresse": "Boulevard Romain Rolland",
        "code_postal": "13009",
        "commune": "Marseille",
        "commune_insee": "13209",
        "territoire": "Marseille Sud",
        "telephone": "04 13 31 00 02",
    },
]

# (e-mail, first name, last name, role, MDS codes, stagiaire)
DEMO_ACCOUNTS = [
    ("mediatrice@demo.mds13.fr", "Inès", "Benali", Role.MEDIATEUR, ["MAL"], True),
    ("mediateur@demo.mds13.fr", "Lucas", "Martin", Role.MEDIATEUR, ["MAL"], False),
    ("tuteur@demo.mds13.fr", "Sophie", "Durand", Role.TUTEUR, ["MAL"], False),
    ("ts@demo.mds13.fr", "Karim", "Haddad", Role.TRAVAILLEUR_SOCIAL, ["MAL"], False),
    ("accueil@demo.mds13.fr", "Nadia", "Roux", Role.ACCUEIL, ["MAL"], False),
    ("directrice@demo.mds13.fr", "Claire", "Fabre", Role.DIRECTEUR, ["MAL"], False),
    ("mediateur.marignane@demo.mds13.fr", "Yanis", "Morel", Role.MEDIATEUR, ["MAR"], False),
    ("directeur.marignane@demo.mds13.fr", "Paul", "Giraud", Role.DIRECTEUR, ["MAR"], False),
    ("mediatrice.rolland@demo.mds13.fr", "Léa", "Blanc", Role.MEDIATEUR, ["ROL"], False),
    ("coordinatrice@demo.mds13.fr", "Hélène", "Mercier", Role.COORDINATEUR, [], False),
    ("admin@demo.mds13.fr", "Admin", "Technique", Role.ADMIN, [], False),
]


def accounts_table() -> str:
    lines = [f"Mot de passe de démonstration (tous les comptes) : {DEMO_PASSWORD}"]
    for email, _first, _last, role, _codes, _stagiaire in DEMO_ACCOUNTS:
        mfa = "  + TOTP" if role in (Role.DIRECTEUR, Role.COORDINATEUR, Role.ADMIN) else ""
        lines.append(f"  {Role(role).label:<36} {email}{mfa}")
    lines.append(f"Secret TOTP de démonstration (comptes « + TOTP ») : {DEMO_TOTP_SECRET}")
    lines.append("  code du moment : python -c \"import pyotp; print(pyotp.TOTP('" + DEMO_TOTP_SECRET + "').now())\"")
    return "\n".join(lines)
