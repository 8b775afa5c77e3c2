"""Per-MDS isolation, one idiom for every view:

- ``@mds_required`` on a view that works in the current MDS: without one (``request.mds`` is None:
  a staff member with no membership, a Département user on an MDS page) the answer is always the
  « Aucune MDS » page, status 403;
- lists: ``scoped(Model, request)`` (the model's ``for_request``: rows of the current MDS);
- objects: ``get_scoped_or_404(Model, request, pk=…)``, so an object of another MDS is a 404.
"""

from functools import wraps

from django.shortcuts import get_object_or_404, render


def scoped(model_or_qs, request):
    qs = model_or_qs.objects.all() if hasattr(model_or_qs, "objects") else model_or_qs
    return qs.for_request(request)


def get_scoped_or_404(model_or_qs, request, **lookup):
    return get_object_or_404(scoped(model_or_qs, request), **lookup)


def has_mds(request) -> bool:
    """Whether the request works in a current MDS (the one test of it outside the decorator)."""
    return getattr(request, "mds", None) is not None


def no_mds_response(request):
    """The one answer to "no current MDS": the « Aucune MDS » page, 403."""
    return render(request, "core/no_mds.html", {"page_title": "Aucune MDS"}, status=403)


def mds_required(view):
    """View decorator (put it below ``@login_required`` and ``@require``): the view runs only with
    a current MDS, otherwise ``no_mds_response``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_mds(request):
            return no_mds_response(request)
        return view(request, *args, **kwargs)

    wrapped.mds_required = True
    return wrapped
