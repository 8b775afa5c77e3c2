from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def sans_coupure(text):
    """Keep hyphenated words whole on a tile ("rendez-vous" never split as "rendez- / vous")."""
    return format_html_join(
        " ",
        "{}",
        ((format_html('<span class="borne-insecable">{}</span>', w) if "-" in w else w,) for w in str(text).split(" ")),
    )
