from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .middleware import session_passed_mfa
from .models import MDS, Membership, User

_base_has_permission = admin.site.has_permission


def _admin_has_permission(request):
    """Admin access requires MFA in this session (the middleware redirects first; this is the
    second lock, should the middleware ever be left out)."""
    return _base_has_permission(request) and session_passed_mfa(request, request.user)


admin.site.has_permission = _admin_has_permission


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(MDS)
class MDSAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "commune", "territoire", "active"]
    search_fields = ["nom", "code", "commune"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "stagiaire", "is_active"]
    list_filter = ["role", "stagiaire", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôle", {"fields": ["role", "stagiaire", "tuteur"]}),
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
