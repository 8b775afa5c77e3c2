from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("commencer/", views.commencer, name="commencer"),
    path("demarches/recherche/", views.recherche_demarches, name="recherche"),
    path("demarches/<int:pk>/bloc/", views.bloc_demarche, name="bloc"),
    path("etape/", views.ligne_etape, name="etape"),
    path("accompagnements/", views.liste, name="liste"),
    path("accompagnements/<int:pk>/", views.detail, name="detail"),
    path("accompagnements/<int:pk>/recapitulatif/", views.recapitulatif, name="recapitulatif"),
    path(
        "accompagnements/<int:pk>/recapitulatif/envoyer/",
        views.recapitulatif_envoyer,
        name="recapitulatif_envoyer",
    ),
    path("accompagnements/<int:pk>/corriger/", views.corriger, name="corriger"),
    path("accompagnements/<int:pk>/modifier/", views.modifier, name="modifier"),
    path("accompagnements/<int:pk>/rattacher/", views.rattacher, name="rattacher"),
    path("accompagnements/<int:pk>/supprimer/", views.supprimer, name="supprimer"),
    path("revue/", views.revue, name="revue"),
    path("revue/<int:pk>/vu/", views.revue_acquitter, name="revue_acquitter"),
    path("revue/<int:pk>/lu/", views.revue_lue, name="revue_lue"),
    path("orientations/", views.orientations, name="orientations"),
    path("orientations/nouvelle/", views.orientation_nouvelle, name="orientation_nouvelle"),
    path("orientations/<int:pk>/<str:statut>/", views.orientation_statut, name="orientation_statut"),
    path("partenaires/", views.partenaires, name="partenaires"),
    path("partenaires/ajouter/", views.partenaire_form, name="partenaire_ajouter"),
    path("partenaires/<int:pk>/", views.partenaire_form, name="partenaire_modifier"),
]
