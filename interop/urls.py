from django.urls import path

from . import views

app_name = "interop"
urlpatterns = [
    path("coop/activites.csv", views.export_coop, {"fmt": "csv"}, name="export_coop_csv"),
    path("coop/activites.xlsx", views.export_coop, {"fmt": "xlsx"}, name="export_coop_xlsx"),
    path("api/clients/", views.clients_api, name="clients_api"),
    path("api/clients/<uuid:pk>/revoquer/", views.revoquer_client_api, name="revoquer_client_api"),
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path("mon-compte/calendrier/", views.creer_abonnement, name="creer_abonnement"),
    path("mon-compte/calendrier/<int:pk>/revoquer/", views.revoquer_abonnement, name="revoquer_abonnement"),
    path("calendrier/<str:token>.ics", views.flux_ics, name="flux_ics"),
    path("agendas-externes/", views.agendas_externes, name="agendas_externes"),
    path("agendas-externes/<int:pk>/synchroniser/", views.synchroniser_agenda, name="synchroniser_agenda"),
    path("agendas-externes/<int:pk>/supprimer/", views.supprimer_agenda, name="supprimer_agenda"),
]
