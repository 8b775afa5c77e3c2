"""Referentials are edited here by coordinateurs (permission « mediation.referentials »)."""

from django.contrib import admin

from core.permissions import can

from .models import Demarche, JournalActivite, Organisme, Partenaire, Thematique


class ReferentialAdmin(admin.ModelAdmin):
    def _allowed(self, request):
        return request.user.is_superuser or can(request.user, "mediation.referentials")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        # Codes are kept by the session log: deactivate instead of deleting.
        return False


@admin.register(Thematique)
class ThematiqueAdmin(ReferentialAdmin):
    list_display = ["libelle", "code", "ordre"]
    search_fields = ["libelle", "code"]


@admin.register(Organisme)
class OrganismeAdmin(ReferentialAdmin):
    list_display = ["nom", "code", "ordre", "actif"]
    list_editable = ["ordre", "actif"]
    search_fields = ["nom", "code"]


@admin.register(Demarche)
class DemarcheAdmin(ReferentialAdmin):
    list_display = ["libelle", "organisme", "code", "thematique", "reserve_travailleur_social", "actif"]
    list_filter = ["organisme", "reserve_travailleur_social", "actif", "thematique"]
    search_fields = ["libelle", "code", "organisme__nom"]
    list_select_related = ["organisme", "thematique"]


@admin.register(Partenaire)
class PartenaireAdmin(ReferentialAdmin):
    list_display = ["nom", "mds", "actif"]
    list_filter = ["mds", "actif"]
    list_select_related = ["mds"]


@admin.register(JournalActivite)
class JournalActiviteAdmin(admin.ModelAdmin):
    """Read-only look at the session log (it is append-only in the database anyway)."""

    list_display = ["date", "nature", "mds", "duree_minutes", "version", "annulee"]
    list_filter = ["nature", "mds"]
    list_select_related = ["mds"]

    def has_module_permission(self, request):
        return request.user.is_superuser or can(request.user, "mediation.referentials")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
