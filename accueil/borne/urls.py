from django.urls import path

from . import views, views_ateliers, views_parcours

app_name = "borne"
urlpatterns = [
    # The kiosk (device-authenticated)
    path("", views.accueil, name="accueil"),
    path("langue/", views.langue, name="langue"),
    path("recommencer/", views.recommencer, name="recommencer"),
    path("jeton/", views.jeton, name="jeton"),
    path("aide/", views.aide, name="aide"),
    path("avis/", views.avis_ressenti, name="avis"),
    path("avis/precisions/", views.avis_tags, name="avis_tags"),
    path("avis/merci/", views.avis_merci, name="avis_merci"),
    # Help requests, on the desk
    path("demandes-aide/", views.demandes_aide, name="demandes_aide"),
    path("demandes-aide/<int:pk>/j-y-vais/", views.demande_aide_prendre, name="demande_aide_prendre"),
    # Pairing a tablet (public, one-time code)
    path("appairer/", views.appairer, name="appairer"),
    # Director screens
    path("gestion/", views.gestion, name="gestion"),
    path("gestion/<int:pk>/", views.gestion_detail, name="gestion_detail"),
    path("gestion/<int:pk>/code/", views.gestion_code, name="gestion_code"),
    path("gestion/<int:pk>/revoquer/", views.gestion_revoquer, name="gestion_revoquer"),
]

urlpatterns += [
    path("rendez-vous/", views_parcours.rdv, name="rdv"),
    path("rendez-vous/jour/", views_parcours.rdv_jour, name="rdv_jour"),
    path("rendez-vous/heure/", views_parcours.rdv_heure, name="rdv_heure"),
    path("rendez-vous/prenom/", views_parcours.rdv_prenom, name="rdv_prenom"),
    path("rendez-vous/rappel/", views_parcours.rdv_rappel, name="rdv_rappel"),
    path("rendez-vous/telephone/", views_parcours.rdv_telephone, name="rdv_telephone"),
    path("rendez-vous/confirmation/", views_parcours.rdv_confirmation, name="rdv_confirmation"),
    path("arrivee/", views_parcours.arrivee, name="arrivee"),
    path("arrivee/code/", views_parcours.arrivee_code, name="arrivee_code"),
    path("arrivee/liste/", views_parcours.arrivee_liste, name="arrivee_liste"),
    path("arrivee/ticket/", views_parcours.arrivee_ticket, name="arrivee_ticket"),
    path("ticket/", views_parcours.ticket, name="ticket"),
    path("ticket/numero/", views_parcours.ticket_numero, name="ticket_numero"),
    path("ticket/sms/", views_parcours.ticket_sms, name="ticket_sms"),
    path("ticket/sms/fait/", views_parcours.ticket_sms_fait, name="ticket_sms_fait"),
    path("ateliers/", views_ateliers.ateliers, name="ateliers"),
    path("ateliers/prenom/", views_ateliers.ateliers_prenom, name="ateliers_prenom"),
    path("ateliers/confirmation/", views_ateliers.ateliers_confirmation, name="ateliers_confirmation"),
    path("a/<str:jeton>", views_parcours.annulation, name="annulation"),  # short: sent by SMS
    path("a/<str:jeton>/deplacer", views_parcours.deplacer, name="deplacer"),
    path("a/<str:jeton>/agenda.ics", views_parcours.annulation_ics, name="annulation_ics"),
]
