import importlib

from django.db import migrations

# An UPDATE of a desk row now makes a note only when a column that counts changed: the columns that
# tie the row to a person (the visitor record, first name, reminder phone, free-text redirection)
# count in no figure, and the retention of desk records (accueil/retention.py,
# ateliers/retention.py) or a visitor's anonymization blank them in months long reported — which
# must neither drop stored figures nor make those reports stale. Frozen text, like 0006 and 0008.
_0006 = importlib.import_module("pilotage.migrations.0006_modifications_tardives_accueil")
HORLOGE = "clock_timestamp()"

PERSONNELLES = {
    "accueil_rendezvous": ["usager_id", "prenom_ou_initiales", "telephone", "updated_at"],
    "accueil_passage": ["usager_id", "prenom_ou_initiales", "reorientation"],
    "ateliers_inscription": ["usager_id", "prenom_ou_initiales"],
}


def _changees(cote, autre, colonnes):
    """The rows of transition table ``cote`` whose counted columns differ from ``autre``'s."""
    ignore = "ARRAY[" + ", ".join(f"'{c}'" for c in colonnes) + "]::text[]"
    return (
        f"(SELECT c.* FROM {cote} c JOIN {autre} d ON d.id = c.id "
        f"WHERE (to_jsonb(c) - {ignore}) IS DISTINCT FROM (to_jsonb(d) - {ignore}))"
    )


def _fonction(table, select):
    colonnes = PERSONNELLES[table]

    def note(rel):
        return (
            f"INSERT INTO pilotage_modificationtardive (source, mds_id, mois, le) SELECT DISTINCT '{table}', x.m, "
            f"x.mois, {HORLOGE} FROM ({select.format(rel=rel)}) AS x(m, mois) WHERE x.mois < {_0006.LIMITE};"
        )

    return f"""
CREATE OR REPLACE FUNCTION pilotage_tardif_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {note("nouvelles")}
  ELSIF TG_OP = 'DELETE' THEN {note("anciennes")}
  ELSE
    {note(_changees("nouvelles", "anciennes", colonnes))}
    {note(_changees("anciennes", "nouvelles", colonnes))}
  END IF;
  RETURN NULL;
END $$;
"""


def _avant(table, select):
    """The function as 0008 left it."""
    return _0006._fonction(table, select).split("CREATE TRIGGER")[0].replace("now()", HORLOGE)


SOURCES = [(table, select) for table, select in _0006.SOURCES if table in PERSONNELLES]


class Migration(migrations.Migration):
    dependencies = [
        ("pilotage", "0008_modifications_gardees"),
    ]

    operations = [
        migrations.RunSQL(
            "".join(_fonction(t, s) for t, s in SOURCES),
            "".join(_avant(t, s) for t, s in SOURCES),
        ),
    ]
