from django import template

from notifications.selectors import visible_messages

register = template.Library()


@register.inclusion_tag("notifications/_liste.html")
def messages_objet(obj, titre="Messages planifiés et envoyés"):
    """``{% load notifications %}{% messages_objet rendez_vous %}`` on an appointment page."""
    return {"messages_liste": visible_messages(obj=obj), "titre": titre}
