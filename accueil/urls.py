from django.urls import path

from . import views

app_name = "accueil"
urlpatterns = [
    path("file/", views.file, name="file"),
    path("file/arrivee/", views.arrivee, name="arrivee"),
    path("file/appeler/", views.appeler_suivant, name="appeler_suivant"),
    path("file/<int:pk>/<slug:action>/", views.passage_action, name="passage_action"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/<int:mediateur_id>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("rendez-vous/nouveau/", views.rdv_nouveau, name="rdv_nouveau"),
    path("rendez-vous/<int:pk>/", views.rdv_detail, name="rdv_detail"),
    path("rendez-vous/<int:pk>/annuler/", views.rdv_annuler, name="rdv_annuler"),
    path("rendez-vous/<int:pk>/deplacer/", views.rdv_deplacer, name="rdv_deplacer"),
    path("rendez-vous/<int:pk>/<slug:action>/", views.rdv_statut, name="rdv_statut"),
    path("parametres/", views.parametres, name="parametres"),
    path("parametres/motif/<int:pk>/", views.motif_modifier, name="motif_modifier"),
    path("parametres/<slug:kind>/<int:pk>/supprimer/", views.parametre_supprimer, name="parametre_supprimer"),
    path("ecran/<str:token>/", views.ecran, name="ecran"),
]
