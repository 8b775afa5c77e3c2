from django.urls import path

from . import views

app_name = "pilotage"

urlpatterns = [
    path("mds/", views.mds, name="mds"),
    path("departement/", views.departement, name="departement"),
]
