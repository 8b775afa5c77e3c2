from django.db import migrations


def load(apps, schema_editor):
    from core.text_guard import normalize
    from mediation.referentials import DEMARCHES, ORGANISMES, THEMATIQUES

    Thematique = apps.get_model("mediation", "Thematique")
    Organisme = apps.get_model("mediation", "Organisme")
    Demarche = apps.get_model("mediation", "Demarche")
    thematiques = {}
    for index, (code, libelle) in enumerate(THEMATIQUES):
        thematiques[code], _ = Thematique.objects.update_or_create(
            code=code, defaults={"libelle": libelle, "ordre": index + 1}
        )
    organismes = {}
    for index, (code, nom, site) in enumerate(ORGANISMES):
        organismes[code], _ = Organisme.objects.update_or_create(
            code=code, defaults={"nom": nom, "site": site, "ordre": index + 1}
        )
    for index, (code, organisme, libelle, thematique, etapes, pieces, reserve) in enumerate(DEMARCHES):
        org = organismes.get(organisme)
        Demarche.objects.update_or_create(
            code=code,
            defaults={
                "organisme": org,
                "libelle": libelle,
                "thematique": thematiques[thematique],
                "etapes_defaut": list(etapes),
                "pieces_defaut": list(pieces),
                "reserve_travailleur_social": reserve,
                "ordre": index + 1,
                "recherche": normalize(
                    f"{org.nom if org else 'aide numerique'} {org.code if org else ''} {libelle} {code}"
                ),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
