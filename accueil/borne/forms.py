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
