from django import forms
from phonenumber_field.formfields import PhoneNumberField

from core.models import User

from . import communes
from .enums import CanalContact, Equipement
from .models import Usager
from .services import EDITABLE_FIELDS

YES_NO_UNKNOWN = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]


def _to_bool(value):
    return {"oui": True, "non": False}.get(value)


class AccessibleFormMixin:
    """Bootstrap classes on widgets; after validation, invalid fields get ``is-invalid`` and point to
    their error message with aria-describedby (rendered by templates/usagers/_form_fields.html)."""

    def _style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
            if not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                described = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if self.fields[name].help_text else [])
                widget.attrs["aria-describedby"] = " ".join(described)


class UsagerForm(AccessibleFormMixin, forms.ModelForm):
    """Create/edit a visitor. Only the reference is required; everything else is optional."""

    telephone = PhoneNumberField(
        label="Téléphone portable",
        required=False,
        region="FR",
        help_text="Seulement si la personne veut des rappels par SMS. Ex. 06 12 34 56 78.",
        error_messages={"invalid": "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."},
    )
    equipements = forms.MultipleChoiceField(
        label="Équipement de la personne",
        choices=Equipement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    internet_domicile = forms.TypedChoiceField(
        label="Internet à domicile",
        choices=YES_NO_UNKNOWN,
        coerce=_to_bool,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Usager
        fields = EDITABLE_FIELDS  # the very list the create/update services apply
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}
        error_messages = {
            "reference": {"required": "La référence est obligatoire (une référence vous est proposée)."},
            "email": {"invalid": "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."},
        }

    DEFAULTED = ("canal_contact", "langue", "genre", "tranche_age", "statut_social")

    def __init__(self, *args, mds, **kwargs):
        super().__init__(*args, **kwargs)
        self.mds = mds
        self.fields["reference"].help_text = "Proposée automatiquement ; modifiable. Seule information obligatoire."
        self.fields["prenom"].help_text = "Facultatif : le prénom ou une initiale."
        self.fields["nom"].help_text = "Facultatif : le nom ou une initiale."
        self.fields["email"].help_text = "Facultatif : seulement pour des rappels par e-mail."
        if self.instance.pk:
            value = self.instance.internet_domicile
            self.initial["internet_domicile"] = "" if value is None else ("oui" if value else "non")
        current = self.instance.commune_insee or ""  # a code from elsewhere already saved stays valid
        self.fields["commune_insee"] = forms.ChoiceField(
            label="Commune",
            choices=communes.choices(current),
            required=False,
            help_text="Choisissez la commune par son nom (Marseille : par arrondissement si connu).",
            error_messages={"invalid_choice": "Choisissez la commune dans la liste (code INSEE inconnu : %(value)s)."},
        )
        for name in ("prenom", "nom", "email", "commune_insee", "note", *self.DEFAULTED):
            self.fields[name].required = False
        self._style_widgets()

    def clean_reference(self):
        reference = (self.cleaned_data.get("reference") or "").strip().upper()
        exists = Usager.objects.filter(mds=self.mds, reference=reference)
        if self.instance.pk:
            exists = exists.exclude(pk=self.instance.pk)
        if reference and exists.exists():
            raise forms.ValidationError("Cette référence est déjà utilisée dans cette MDS : choisissez-en une autre.")
        return reference

    def clean_prenom(self):
        return " ".join((self.cleaned_data.get("prenom") or "").split())

    def clean_nom(self):
        return " ".join((self.cleaned_data.get("nom") or "").split())

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_commune_insee(self):
        return (self.cleaned_data.get("commune_insee") or "").strip().upper()

    def clean_equipements(self):
        values = self.cleaned_data.get("equipements") or []
        if Equipement.AUCUN in values and len(values) > 1:
            raise forms.ValidationError("« Aucun » ne peut pas être coché avec un équipement.")
        return values

    def clean(self):
        data = super().clean()
        for name in self.DEFAULTED:  # optional choices fall back to the model's default
            if not data.get(name) and name not in self.errors:
                data[name] = Usager._meta.get_field(name).default
        canal = data.get("canal_contact")
        if canal == CanalContact.SMS and not data.get("telephone") and "telephone" not in self.errors:
            self.add_error("telephone", "Pour des rappels par SMS, indiquez un numéro de téléphone portable.")
        if canal == CanalContact.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Pour des rappels par e-mail, indiquez une adresse e-mail.")
        return data

    def _post_clean(self):
        # The unique (mds, reference) constraint is checked in clean_reference (mds is not a form field).
        self.instance.mds = self.mds
        super()._post_clean()

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class JournalFilterForm(forms.Form):
    reference = forms.CharField(label="Référence de l'usager", required=False, max_length=16)
    acteur = forms.ModelChoiceField(
        label="Membre du personnel", queryset=User.objects.none(), required=False, empty_label="Tout le personnel"
    )

    def __init__(self, *args, mds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acteur"].queryset = User.objects.filter(memberships__mds=mds).order_by("last_name", "first_name")
        self.fields["acteur"].label_from_instance = lambda u: u.get_full_name() or u.email
