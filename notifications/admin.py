from django.contrib import admin

from .models import Message, Reglages


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "channel", "status", "delivery", "send_at", "attempts", "mds"]
    list_filter = ["status", "kind", "channel", "delivery", "mds"]
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(Reglages)
class ReglagesAdmin(admin.ModelAdmin):
    list_display = ["mds", "heure_rappel_j2", "rappel_jour_meme", "heure_rappel_jour", "heure_rappel_atelier"]
