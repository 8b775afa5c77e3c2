from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def usager_url(pk):
    """URL of a visitor's page when the usagers app provides it (built in parallel), else ""."""
    try:
        return reverse("usagers:detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


@register.filter
def minutes(seconds):
    if seconds is None:
        return "—"
    return f"{int(seconds) // 60} min"
