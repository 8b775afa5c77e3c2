from django.contrib import admin

from .models import Destinataire, Rapport, RapportVersion


@admin.register(Destinataire)
class DestinataireAdmin(admin.ModelAdmin):
    list_display = ["email", "mds", "actif"]
    list_filter = ["actif", "mds"]


class VersionInline(admin.TabularInline):
    model = RapportVersion
    extra = 0
    readonly_fields = ["version", "empreinte", "genere_le", "declencheur", "pdf", "xlsx", "csv"]
    can_delete = False


@admin.register(Rapport)
class RapportAdmin(admin.ModelAdmin):
    list_display = ["mois", "mds", "statut", "version", "empreinte", "genere_le"]
    list_filter = ["statut", "mds"]
    readonly_fields = [f.name for f in Rapport._meta.fields]
    inlines = [VersionInline]
