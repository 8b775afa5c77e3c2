from django.urls import path

from . import views

app_name = "interop"
urlpatterns = [
    path("coop/activites.csv", views.export_coop, {"fmt": "csv"}, name="export_coop_csv"),
    path("coop/activites.xlsx", views.export_coop, {"fmt": "xlsx"}, name="export_coop_xlsx"),
]
