from django.urls import path

from . import views

app_name = "usagers"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("journal/", views.journal, name="journal"),
    path("nouveau/", views.nouveau, name="nouveau"),
    path("choix/", views.choix, name="choix"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/exporter/", views.exporter, name="exporter"),
    path("<int:pk>/anonymiser/", views.anonymiser, name="anonymiser"),
]
