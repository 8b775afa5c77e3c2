from django.contrib import admin

from .models import Absence, Disponibilite, EcranSalle, Fermeture, Motif, PlageOuverture


@admin.register(Motif)
class MotifAdmin(admin.ModelAdmin):
    list_display = ["libelle", "mds", "duree_minutes", "reservable_borne", "actif"]
    list_filter = ["mds", "actif"]


@admin.register(PlageOuverture)
class PlageOuvertureAdmin(admin.ModelAdmin):
    list_display = ["mds", "jour", "debut", "fin"]
    list_filter = ["mds"]


@admin.register(Fermeture)
class FermetureAdmin(admin.ModelAdmin):
    list_display = ["mds", "date_debut", "date_fin", "libelle"]


@admin.register(Disponibilite)
class DisponibiliteAdmin(admin.ModelAdmin):
    list_display = ["mds", "mediateur", "jour", "debut", "fin"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["mds", "mediateur", "debut", "fin"]


@admin.register(EcranSalle)
class EcranSalleAdmin(admin.ModelAdmin):
    list_display = ["nom", "mds", "revoque_le"]
    exclude = ["cle"]
