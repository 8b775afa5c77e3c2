from django import forms

from core.text_guard import FreeTextGuard

from .models import Scope


class ClientApiForm(forms.Form):
    nom = forms.CharField(
        label="Nom de l'outil ou du service qui interroge l'API",
        max_length=120,
        validators=[FreeTextGuard(120)],
        help_text="Ex. « Entrepôt de données du Département ».",
    )
    scopes = forms.MultipleChoiceField(
        label="Droits", choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.ACTIVITES]
    )


class AgendaExterneForm(forms.Form):
    mediateur = forms.ModelChoiceField(label="Médiateur·rice", queryset=None)
    url = forms.URLField(
        label="Adresse ICS publiée (Outlook, Zimbra…)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Adresse « publier le calendrier » au format ICS. Ou bien importez un fichier ci-dessous.",
    )
    fichier = forms.FileField(label="Ou fichier .ics", required=False)

    def __init__(self, *args, mediateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediateur"].queryset = mediateurs

    def clean_fichier(self):
        fichier = self.cleaned_data.get("fichier")
        if fichier and fichier.size > 2 * 1024 * 1024:
            raise forms.ValidationError("Fichier trop volumineux (2 Mo au plus).")
        return fichier

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("fichier"):
            raise forms.ValidationError("Indiquez une adresse ICS ou importez un fichier .ics.")
        return data
