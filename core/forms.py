from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from django import forms

from . import throttle
from .models import User
from .services import ROLES_GRANTED_BY_DIRECTOR
from .text_guard import FreeTextGuard


class InvitationForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=80, validators=[FreeTextGuard(80)])
    last_name = forms.CharField(label="Nom", max_length=80, validators=[FreeTextGuard(80)])
    email = forms.EmailField(label="Adresse e-mail professionnelle")
    role = forms.ChoiceField(label="Rôle", choices=[(r.value, r.label) for r in ROLES_GRANTED_BY_DIRECTOR])
    stagiaire = forms.BooleanField(
        label="Stagiaire ME-MSN (ses actes « à la place » seront relus par un tuteur)", required=False
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un compte existe déjà avec cette adresse e-mail.")
        return email


class LoginForm(AllauthLoginForm):
    """allauth's login form with plain labels, no placeholders and no duplicate reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Adresse e-mail"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        password.widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        """Throttled before the password is hashed; same generic message whatever the account."""
        login = str(self.data.get("login", ""))[:320]
        if not throttle.login_allowed(self.request, login):
            raise forms.ValidationError(throttle.MESSAGE, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.login_failed(self.request, login)
            raise
        if self._errors or self.user is None:
            throttle.login_failed(self.request, login)
        else:
            throttle.login_succeeded(self.request, login)
        return cleaned


class _ThrottledTOTP:
    """Wrong TOTP codes: after a few, each new try waits a short delay (core/throttle.py)."""

    def clean_code(self):
        if not throttle.totp_allowed(self.user):
            raise forms.ValidationError(throttle.TOTP_MESSAGE, code="throttled")
        try:
            code = super().clean_code()
        except forms.ValidationError:
            throttle.totp_failed(self.user)
            raise
        throttle.totp_succeeded(self.user)
        return code


class TOTPAuthenticateForm(_ThrottledTOTP, AllauthAuthenticateForm):
    pass


class TOTPReauthenticateForm(_ThrottledTOTP, AllauthReauthenticateForm):
    pass
