"""Per-MDS isolation. Every MDS-owned queryset is reduced with ``scoped(Model, request)`` and
object views fetch with ``get_scoped_or_404``, so an object of another MDS is a 404."""

from django.shortcuts import get_object_or_404


def scoped(model_or_qs, request):
    qs = model_or_qs.objects.all() if hasattr(model_or_qs, "objects") else model_or_qs
    return qs.for_request(request)


def get_scoped_or_404(model_or_qs, request, **lookup):
    return get_object_or_404(scoped(model_or_qs, request), **lookup)
