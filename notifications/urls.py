from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("webhook/sms/", views.delivery_receipt, name="webhook_sms"),
]
