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


@register.simple_tag(takes_context=True)
def demandes_aide_ouvertes(context):
    """The open kiosk help requests of the current MDS, for the desk include
    ``borne/_demandes_aide.html`` (queue page, reception home)."""
    from accueil.borne.selectors import demandes_aide_ouvertes as selector
    from core.permissions import can

    request = context.get("request")
    if request is None or getattr(request, "mds", None) is None or not can(request.user, "accueil.queue"):
        return None
    return selector(mds=request.mds)
