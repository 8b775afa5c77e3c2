from django.urls import path

from . import views

app_name = "pilotage"

urlpatterns = [
    path("mds/", views.mds, name="mds"),
    path("departement/", views.departement, name="departement"),
    path("mon-activite/", views.mon_activite, name="mon_activite"),
    path("rapports/", views.rapports, name="rapports"),
    path("rapports/demander/", views.rapport_demande, name="rapport_demande"),
    path("rapports/<int:pk>/statut/", views.rapport_statut, name="rapport_statut"),
    path("rapports/<int:pk>/<str:fmt>/", views.rapport_fichier, name="rapport_fichier"),
]
