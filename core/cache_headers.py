"""Pages shown to a signed-in staff member carry visitors' names: never stored by a browser or a proxy."""

from django.utils.cache import add_never_cache_headers


class NoStoreForStaffMiddleware:
    """``Cache-Control: no-store`` (and ``private``, ``no-cache``) on every authenticated response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
