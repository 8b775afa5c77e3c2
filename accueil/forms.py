from django import forms
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from core.dates import parse_datetime_param
from core.models import User
from core.permissions import roles_with
from core.text_guard import FreeTextGuard
from usagers.picker import UsagerPickerField

from .enums import CanalRappel, CanalReservation, Priorite, SourcePassage, StatutRendezVous
from .models import Absence, Disponibilite, EcranSalle, Fermeture, Motif, PlageOuverture

STAFF_CHANNELS = [(c.value, c.label) for c in CanalReservation if c != CanalReservation.BORNE]


def mediators_of(mds):
    """Bookable staff: active accounts that have chosen their password (an invitation not yet
    accepted is not offered)."""
    return (
        User.objects.filter(memberships__mds=mds, is_active=True, role__in=roles_with("accueil.tenir_rdv"))
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .order_by("first_name", "last_name")
    )


class MediateurChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class ArriveeForm(forms.Form):
    prenom_ou_initiales = forms.CharField(
        label="Prénom ou initiales (facultatif)", max_length=40, required=False, validators=[FreeTextGuard(40)]
    )
    motif = forms.ModelChoiceField(label="Motif de la visite", queryset=Motif.objects.none(), required=False)
    source = forms.ChoiceField(
        label="Comment la personne est venue",
        choices=[(s.value, s.label) for s in SourcePassage if s != SourcePassage.RENDEZ_VOUS],
        initial=SourcePassage.VENU_DIRECTEMENT,
        widget=forms.RadioSelect,
    )
    priorites = forms.MultipleChoiceField(
        label="Priorité", choices=Priorite.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, mds, **kwargs):
        super().__init__(*args, **kwargs)
        self.mds = mds
        self.fields["usager"] = UsagerPickerField(mds=mds, label="Fiche usager (facultatif)")
        self.order_fields(["prenom_ou_initiales", "usager"])
        self.fields["motif"].queryset = Motif.objects.for_mds(mds).filter(actif=True)
        self.fields["motif"].empty_label = "Non précisé"

    @property
    def usager(self):
        return self.cleaned_data.get("usager") if hasattr(self, "cleaned_data") else None


class CreneauForm(forms.Form):
    """Step 1 of a booking (GET): which motif, from which day, with whom."""

    motif = forms.ModelChoiceField(label="Motif", queryset=Motif.objects.none())
    date = forms.DateField(label="À partir du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    mediateur = MediateurChoiceField(
        label="Médiateur·rice",
        queryset=User.objects.none(),
        required=False,
        empty_label="Le premier ou la première disponible",
    )

    def __init__(self, *args, mds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].queryset = Motif.objects.for_mds(mds).filter(actif=True)
        self.fields["mediateur"].queryset = mediators_of(mds)


def parse_start(value: str):
    start = parse_datetime_param(value)
    if start is None:
        raise forms.ValidationError("Choisissez un créneau dans la liste.")
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    return start


class RendezVousForm(forms.Form):
    """Step 2 of a booking (POST): the slot and who comes (a visitor chosen with the picker, or a
    first name / initials)."""

    motif = forms.ModelChoiceField(label="Motif", queryset=Motif.objects.none(), widget=forms.HiddenInput)
    mediateur = MediateurChoiceField(
        label="Médiateur·rice", queryset=User.objects.none(), required=False, widget=forms.HiddenInput
    )
    debut = forms.CharField(label="Créneau", max_length=40)
    prenom_ou_initiales = forms.CharField(
        label="Prénom ou initiales (sans fiche)", max_length=40, required=False, validators=[FreeTextGuard(40)]
    )
    telephone = forms.CharField(
        label="Téléphone portable pour le rappel (facultatif)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    rappel = forms.ChoiceField(
        label="Rappel", choices=CanalRappel.choices, initial=CanalRappel.AUCUN, widget=forms.RadioSelect
    )
    canal = forms.ChoiceField(label="Rendez-vous pris par", choices=STAFF_CHANNELS, widget=forms.RadioSelect)

    def __init__(self, *args, mds, **kwargs):
        super().__init__(*args, **kwargs)
        self.mds = mds
        self.fields["usager"] = UsagerPickerField(mds=mds, label="Personne (fiche usager)")
        self.fields["motif"].queryset = Motif.objects.for_mds(mds).filter(actif=True)
        self.fields["mediateur"].queryset = mediators_of(mds)

    @property
    def usager(self):
        return self.cleaned_data.get("usager") if hasattr(self, "cleaned_data") else None

    def clean_debut(self):
        return parse_start(self.cleaned_data.get("debut"))

    def clean_telephone(self):
        import phonenumbers

        value = (self.cleaned_data.get("telephone") or "").strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "FR")
        except phonenumbers.NumberParseException:
            raise forms.ValidationError("Numéro de téléphone invalide (ex. 06 12 34 56 78).") from None
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError("Numéro de téléphone invalide (ex. 06 12 34 56 78).")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean(self):
        data = super().clean()
        rappel = data.get("rappel")
        usager = self.usager
        if rappel == CanalRappel.SMS and not data.get("telephone") and not (usager and usager.telephone):
            self.add_error("telephone", "Indiquez un numéro de portable pour le rappel par SMS.")
        if rappel == CanalRappel.EMAIL and not (usager and usager.email):
            self.add_error("rappel", "Pas d'adresse e-mail connue pour cet usager : choisissez le SMS ou aucun rappel.")
        return data


class DeplacerForm(forms.Form):
    debut = forms.CharField(label="Nouveau créneau", max_length=40)

    def clean_debut(self):
        return parse_start(self.cleaned_data.get("debut"))


class AnnulerForm(forms.Form):
    par = forms.ChoiceField(
        label="Qui annule ?",
        choices=[(StatutRendezVous.EXCUSE, "L'usager (excusé)"), (StatutRendezVous.ANNULE, "La MDS")],
        widget=forms.RadioSelect,
    )


class ReorienterForm(forms.Form):
    vers = forms.CharField(
        label="Réorienté vers (service ou partenaire)", max_length=120, required=False, validators=[FreeTextGuard(120)]
    )


# -- settings (directors) ------------------------------------------------------------------------


class MDSModelForm(forms.ModelForm):
    def __init__(self, *args, mds, **kwargs):
        super().__init__(*args, **kwargs)
        self.mds = mds
        self.instance.mds = mds
        if "mediateur" in self.fields:
            self.fields["mediateur"] = MediateurChoiceField(label="Médiateur·rice", queryset=mediators_of(mds))


TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PlageOuvertureForm(MDSModelForm):
    class Meta:
        model = PlageOuverture
        fields = ["jour", "debut", "fin"]
        widgets = {"debut": TIME_WIDGET, "fin": TIME_WIDGET}


class FermetureForm(MDSModelForm):
    def clean_date_debut(self):
        debut = self.cleaned_data["date_debut"]
        if debut < timezone.localdate():
            raise forms.ValidationError(
                "Une fermeture ne peut pas commencer dans le passé : choisissez aujourd'hui ou après."
            )
        return debut

    class Meta:
        model = Fermeture
        fields = ["date_debut", "date_fin", "libelle"]
        widgets = {
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class MotifForm(MDSModelForm):
    class Meta:
        model = Motif
        fields = [
            "libelle",
            "libelle_en",
            "libelle_ar",
            "duree_minutes",
            "reservable_borne",
            "delai_minimum_minutes",
            "horizon_jours",
            "ordre",
            "actif",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed in the language they translate: right direction and the right spell-checker.
        self.fields["libelle_en"].widget.attrs.update(lang="en", dir="ltr")
        self.fields["libelle_ar"].widget.attrs.update(lang="ar", dir="rtl")
        self.fields["libelle_en"].help_text = "Affiché sur la borne en anglais. Vide : le libellé français s'affiche."
        self.fields["libelle_ar"].help_text = "Affiché sur la borne en arabe. Vide : le libellé français s'affiche."

    def clean_libelle(self):
        libelle = self.cleaned_data["libelle"].strip()
        if Motif.objects.for_mds(self.mds).filter(libelle__iexact=libelle).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Un motif porte déjà ce libellé.")
        return libelle


class DisponibiliteForm(MDSModelForm):
    class Meta:
        model = Disponibilite
        fields = ["mediateur", "jour", "debut", "fin"]
        widgets = {"debut": TIME_WIDGET, "fin": TIME_WIDGET}


class AbsenceForm(MDSModelForm):
    class Meta:
        model = Absence
        fields = ["mediateur", "debut", "fin"]
        widgets = {
            "debut": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "fin": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }


class EcranForm(MDSModelForm):
    class Meta:
        model = EcranSalle
        fields = ["nom", "son"]
