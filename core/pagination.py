"""One page size for every list of the desk (``settings.PAGE_SIZE``)."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, object_list, *, per_page: int | None = None):
    """The requested page (``?page=``) of ``object_list``; out-of-range or invalid numbers give the
    nearest valid page (Django's ``get_page``)."""
    return Paginator(object_list, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))
