from django.urls import path

from . import views

app_name = "ateliers"

urlpatterns = [
    path("", views.calendrier, name="calendrier"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/nouveau/", views.atelier_form, name="atelier_nouveau"),
    path("catalogue/<int:pk>/modifier/", views.atelier_form, name="atelier_modifier"),
    path("modeles/", views.modeles, name="modeles"),
    path("modeles/nouveau/", views.modele_form, name="modele_nouveau"),
    path("modeles/<int:pk>/modifier/", views.modele_form, name="modele_modifier"),
    path("fermetures/", views.fermetures, name="fermetures"),
    path("fermetures/<int:pk>/supprimer/", views.fermeture_supprimer, name="fermeture_supprimer"),
    path("seances/nouvelle/", views.seance_nouvelle, name="seance_nouvelle"),
    path("seances/<int:pk>/", views.seance, name="seance"),
    path("seances/<int:pk>/ics/", views.seance_ics_view, name="seance_ics"),
    path("seances/<int:pk>/inscrire/", views.seance_inscrire, name="seance_inscrire"),
    path("seances/<int:pk>/inscrire-anonyme/", views.seance_inscrire_anonyme, name="seance_inscrire_anonyme"),
    path("seances/<int:pk>/nouvel-usager/", views.seance_nouvel_usager, name="seance_nouvel_usager"),
    path("seances/<int:pk>/capacite/", views.seance_capacite, name="seance_capacite"),
    path("seances/<int:pk>/annuler/", views.seance_annuler, name="seance_annuler"),
    path("seances/<int:pk>/convertir/", views.seance_convertir, name="seance_convertir"),
    path("seances/<int:pk>/emargement/", views.emargement, name="emargement"),
    path("seances/<int:pk>/emargement/imprimer/", views.emargement_imprimer, name="emargement_imprimer"),
    path("seances/<int:pk>/emargement/anonymes/", views.anonymes_ajouter, name="anonymes_ajouter"),
    path("seances/<int:pk>/emargement/cloturer/", views.cloturer, name="cloturer"),
    path("anonymes/<int:pk>/retirer/", views.anonymes_retirer, name="anonymes_retirer"),
    path("inscriptions/<int:pk>/desinscrire/", views.inscription_desinscrire, name="inscription_desinscrire"),
    path("inscriptions/<int:pk>/presence/", views.presence, name="presence"),
]
