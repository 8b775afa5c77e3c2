from django.contrib import admin

from .models import Atelier, Fermeture, Seance


@admin.register(Atelier)
class AtelierAdmin(admin.ModelAdmin):
    list_display = ["titre", "mds", "format", "public", "niveau", "actif"]
    list_filter = ["format", "public", "niveau", "actif", "mds"]


@admin.register(Fermeture)
class FermetureAdmin(admin.ModelAdmin):
    list_display = ["mds", "date_debut", "date_fin", "motif"]


@admin.register(Seance)
class SeanceAdmin(admin.ModelAdmin):
    list_display = ["atelier", "mds", "debut", "statut", "places_prises", "capacite"]
    list_filter = ["statut", "format", "mds"]
    readonly_fields = ["places_prises"]
