from django.urls import path

from . import views

app_name = "usagers"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouveau/", views.nouveau, name="nouveau"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
]
