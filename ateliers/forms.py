import datetime as dt

from django import forms
from django.utils import timezone

from core.text_guard import FreeTextGuard
from usagers.enums import TrancheAge
from usagers.picker import UsagerPickerField

from .enums import Equipement, MotifAnnulation, Thematique
from .models import Atelier, Fermeture
from .recurrence import FREQUENCES

MAX_SERIE_JOURS = 366


class AtelierForm(forms.ModelForm):
    thematiques = forms.MultipleChoiceField(
        label="Thématiques", choices=Thematique.choices, widget=forms.CheckboxSelectMultiple
    )
    equipements = forms.MultipleChoiceField(
        label="Équipement nécessaire", choices=Equipement.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Atelier
        fields = [
            "titre",
            "description",
            "thematiques",
            "niveau",
            "format",
            "public",
            "duree_minutes",
            "capacite",
            "minimum_participants",
            "equipements",
            "actif",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "niveau": forms.RadioSelect,
            "format": forms.RadioSelect,
            "public": forms.RadioSelect,
        }

    def clean(self):
        data = super().clean()
        capacite, minimum = data.get("capacite"), data.get("minimum_participants")
        if capacite and minimum and minimum > capacite:
            self.add_error("minimum_participants", "Le minimum ne peut pas dépasser la capacité.")
        return data


class SeanceForm(forms.Form):
    """Plan a one-off séance or a weekly / fortnightly series."""

    atelier = forms.ModelChoiceField(label="Atelier", queryset=Atelier.objects.none())
    premier_jour = forms.DateField(
        label="Date (première séance)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    heure = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}))
    duree_minutes = forms.TypedChoiceField(
        label="Durée",
        coerce=int,
        choices=[(m, f"{m // 60} h {m % 60:02d}" if m >= 60 else f"{m} min") for m in (30, 45, 60, 90, 120, 150, 180)],
        initial=90,
    )
    frequence = forms.ChoiceField(
        label="Répétition",
        choices=[
            ("unique", "Une seule séance"),
            ("hebdomadaire", "Chaque semaine"),
            ("quinzaine", "Toutes les deux semaines"),
        ],
        initial="unique",
        widget=forms.RadioSelect,
    )
    jusqu_au = forms.DateField(
        label="Jusqu'au (inclus)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Pour une série. Les jours fériés et les fermetures de la MDS sont sautés.",
    )
    salle = forms.CharField(label="Salle", max_length=80, required=False, validators=[FreeTextGuard(80)])
    animateur = forms.ModelChoiceField(label="Animateur·rice", queryset=None, required=False)
    capacite = forms.IntegerField(
        label="Capacité", min_value=1, max_value=100, required=False, help_text="Vide : celle de l'atelier."
    )
    minimum_participants = forms.IntegerField(
        label="Minimum de participants",
        min_value=1,
        max_value=100,
        required=False,
        help_text="Vide : celui de l'atelier.",
    )

    def __init__(self, *args, ateliers, animateurs, usagers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.usagers = usagers
        if usagers is not None:
            # Atelier individuel: the person is registered on every séance of the series.
            self.fields["usager"] = UsagerPickerField(queryset=usagers, label="Personne (atelier individuel)")
        self.fields["atelier"].queryset = ateliers
        self.fields["animateur"].queryset = animateurs
        self.fields["frequence"].choices = [(k, dict(self.fields["frequence"].choices)[k]) for k in FREQUENCES]

    def clean(self):
        data = super().clean()
        premier, fin, freq = data.get("premier_jour"), data.get("jusqu_au"), data.get("frequence")
        heure = data.get("heure")
        if premier and heure:
            debut = timezone.make_aware(dt.datetime.combine(premier, heure))
            if debut <= timezone.now():
                self.add_error("premier_jour", "La première séance doit être dans le futur.")
        if freq and freq != "unique":
            if not fin:
                self.add_error("jusqu_au", "Indiquez la date de fin de la série.")
            elif premier and fin < premier:
                self.add_error("jusqu_au", "La date de fin doit suivre la première date.")
            elif premier and (fin - premier).days > MAX_SERIE_JOURS:
                self.add_error("jusqu_au", "Une série dure au plus un an.")
        capacite, minimum = data.get("capacite"), data.get("minimum_participants")
        atelier = data.get("atelier")
        if atelier:
            capacite = capacite or atelier.capacite
            minimum = minimum or atelier.minimum_participants
            if atelier.format == "collectif" and minimum > capacite:
                self.add_error("minimum_participants", "Le minimum ne peut pas dépasser la capacité.")
        data.setdefault("usager", None)
        if data["usager"] is not None and atelier and atelier.format != "individuel":
            self.add_error("usager", "Seul un atelier individuel se planifie pour une personne.")
        return data


class CapaciteForm(forms.Form):
    capacite = forms.IntegerField(label="Nouvelle capacité", min_value=1, max_value=100)


class InscriptionAnonymeForm(forms.Form):
    tranche_age = forms.ChoiceField(
        label="Tranche d'âge", choices=TrancheAge.choices, initial=TrancheAge.NON_COMMUNIQUE
    )
    deja_accompagne = forms.TypedChoiceField(
        label="Déjà accompagné·e à la MDS ?",
        choices=[("", "Ne sait pas"), ("oui", "Oui"), ("non", "Non, première fois")],
        coerce=lambda v: {"oui": True, "non": False}.get(v),
        empty_value=None,
        required=False,
    )


class RechercheUsagerForm(forms.Form):
    q = forms.CharField(label="Rechercher un usager (nom, prénom ou référence)", max_length=60, required=False)


class NouvelUsagerForm(forms.Form):
    prenom = forms.CharField(
        label="Prénom ou initiale (facultatif)", max_length=60, required=False, validators=[FreeTextGuard(60)]
    )
    tranche_age = forms.ChoiceField(
        label="Tranche d'âge", choices=TrancheAge.choices, initial=TrancheAge.NON_COMMUNIQUE
    )


class ParticipantsAnonymesForm(forms.Form):
    nombre = forms.IntegerField(label="Nombre de personnes", min_value=1, max_value=50, initial=1)
    tranche_age = forms.ChoiceField(
        label="Tranche d'âge", choices=TrancheAge.choices, initial=TrancheAge.NON_COMMUNIQUE
    )
    deja_accompagne = forms.TypedChoiceField(
        label="Déjà accompagnée(s) à la MDS ?",
        choices=[("non", "Non, première fois"), ("oui", "Oui, déjà accompagnée(s)")],
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
        initial="non",
    )


class AnnulationForm(forms.Form):
    motif = forms.ChoiceField(
        label="Motif",
        choices=[(v, label) for v, label in MotifAnnulation.choices if v != MotifAnnulation.CONVERSION_INDIVIDUEL],
        widget=forms.RadioSelect,
    )
    portee = forms.ChoiceField(
        label="Annuler",
        choices=[("seance", "Cette séance seulement"), ("suite", "Cette séance et les suivantes de la série")],
        initial="seance",
        widget=forms.RadioSelect,
    )


class FermetureForm(forms.ModelForm):
    class Meta:
        model = Fermeture
        fields = ["date_debut", "date_fin", "motif"]
        widgets = {
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.add_error("date_fin", "La date de fin doit suivre la date de début.")
        return data
