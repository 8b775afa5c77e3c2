from django.contrib import admin
from django.urls import include, path

from core.health import healthz, ready
from core.views import admin_login

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", ready, name="healthz_ready"),
    path("accounts/", include("allauth.urls")),
    # One door: the admin's own login form is never served; it sends to the allauth login (MFA).
    path("admin/login/", admin_login, name="admin_login_redirect"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
]

# Each domain app owns its URL space; an app without urls.py yet is simply not mounted.
for prefix, module in [
    ("usagers/", "usagers.urls"),
    ("notifications/", "notifications.urls"),
    ("accueil/", "accueil.urls"),
    ("borne/", "accueil.borne.urls"),
    ("mediation/", "mediation.urls"),
    ("ateliers/", "ateliers.urls"),
    ("pilotage/", "pilotage.urls"),
    ("interop/", "interop.urls"),
    ("api/v1/", "interop.api_urls"),
]:
    try:
        urlpatterns.append(path(prefix, include(module)))
    except ModuleNotFoundError as error:
        if error.name != module:
            raise

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
