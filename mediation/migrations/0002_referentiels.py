from django.db import migrations


def load(apps, schema_editor):
    from mediation.referentials import load as load_referentials

    load_referentials(
        apps.get_model("mediation", "Thematique"),
        apps.get_model("mediation", "Organisme"),
        apps.get_model("mediation", "Demarche"),
    )


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
