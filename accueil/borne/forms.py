from django import forms
from django.utils.translation import gettext_lazy as _

from core.text_guard import FreeTextGuard

from .enums import AvisTag, Ressenti
from .models import Borne


class BorneForm(forms.ModelForm):
    class Meta:
        model = Borne
        fields = ["nom"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nom"].validators.append(FreeTextGuard(max_length=60))


class AppairageForm(forms.Form):
    code = forms.CharField(
        label="Code d'appairage",
        max_length=20,
        help_text="Le code de 10 caractères donné par la direction de la MDS.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class RessentiForm(forms.Form):
    ressenti = forms.TypedChoiceField(choices=Ressenti.choices, coerce=int)


class TagsForm(forms.Form):
    tags = forms.MultipleChoiceField(
        label=_("Vous pensez à quoi ?"),
        choices=AvisTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PrenomForm(forms.Form):
    prenom = forms.CharField(
        label=_("Votre prénom"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "words", "spellcheck": "false", "class": "borne-champ"}
        ),
        error_messages={"required": _("Écrivez votre prénom.")},
    )

    def clean_prenom(self):
        value = " ".join(self.cleaned_data["prenom"].split())
        if any(ch.isdigit() for ch in value) or "@" in value:
            raise forms.ValidationError(_("Écrivez seulement votre prénom, sans chiffres."))
        try:
            FreeTextGuard(max_length=40)(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(_("Écrivez seulement votre prénom, sans chiffres.")) from error
        return value


class TelephoneForm(forms.Form):
    telephone = forms.CharField(
        label=_("Votre numéro de téléphone portable"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off", "class": "borne-champ borne-champ-tel"}
        ),
        error_messages={"required": _("Écrivez votre numéro de téléphone portable.")},
    )

    def clean_telephone(self):
        import phonenumbers

        message = _("Ce numéro n'est pas un numéro de portable. Exemple : 06 12 34 56 78.")
        try:
            number = phonenumbers.parse(self.cleaned_data["telephone"], "FR")
        except phonenumbers.NumberParseException as error:
            raise forms.ValidationError(message) from error
        if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            raise forms.ValidationError(message)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Votre code de rendez-vous"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "borne-champ borne-champ-code",
            }
        ),
        error_messages={"required": _("Écrivez le code de votre rendez-vous.")},
    )


class TicketTelephoneForm(TelephoneForm):
    """« SMS when it is my turn »: a French mobile number only (+33), nothing else is typed."""

    def clean_telephone(self):
        number = super().clean_telephone()
        if not number.startswith("+33"):
            raise forms.ValidationError(_("Ce numéro n'est pas un numéro de portable. Exemple : 06 12 34 56 78."))
        return number
