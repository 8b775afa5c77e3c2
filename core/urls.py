from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("mds/changer/", views.switch_mds, name="switch_mds"),
    path("equipe/", views.equipe, name="equipe"),
    path("equipe/<int:pk>/<slug:action>/", views.equipe_action, name="equipe_action"),
]
