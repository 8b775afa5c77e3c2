from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: accounts are created by an admin or a director (invitation e-mail)."""

    def is_open_for_signup(self, request):
        return False

    def post_login(self, request, user, **kwargs):
        """After a complete login (TOTP included), remember this browser for that account: it may
        still sign in from an address under a credential-stuffing limit (core/throttle.py)."""
        from . import throttle

        response = super().post_login(request, user, **kwargs)
        throttle.remember_device(request, response, user.email)
        return response
