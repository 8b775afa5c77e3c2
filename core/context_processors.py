from django.conf import settings

from .navigation import menu_for


def desk(request):
    user = getattr(request, "user", None)
    return {
        "site_name": settings.MDS_SITE_NAME,
        "departement_name": settings.MDS_DEPARTEMENT_NAME,
        "current_mds": getattr(request, "mds", None),
        "mds_choices": getattr(request, "mds_choices", []),
        "main_menu": menu_for(request) if user is not None and user.is_authenticated else [],
    }
