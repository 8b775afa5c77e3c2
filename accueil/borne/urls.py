from django.urls import path

from . import views

app_name = "borne"
urlpatterns = [
    # The kiosk (device-authenticated)
    path("", views.accueil, name="accueil"),
    path("langue/", views.langue, name="langue"),
    path("recommencer/", views.recommencer, name="recommencer"),
    path("jeton/", views.jeton, name="jeton"),
    path("aide/", views.aide, name="aide"),
    path("avis/", views.avis_ressenti, name="avis"),
    path("avis/precisions/", views.avis_tags, name="avis_tags"),
    path("avis/merci/", views.avis_merci, name="avis_merci"),
    # Pairing a tablet (public, one-time code)
    path("appairer/", views.appairer, name="appairer"),
    # Director screens
    path("gestion/", views.gestion, name="gestion"),
    path("gestion/<int:pk>/", views.gestion_detail, name="gestion_detail"),
    path("gestion/<int:pk>/code/", views.gestion_code, name="gestion_code"),
    path("gestion/<int:pk>/revoquer/", views.gestion_revoquer, name="gestion_revoquer"),
]
