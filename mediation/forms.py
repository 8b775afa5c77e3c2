import secrets

from django import forms
from django.core.exceptions import ValidationError

from core.input_guard import is_id
from core.models import User
from core.permissions import can, roles_with
from core.text_guard import FreeTextGuard, guard_free_text
from usagers.models import Usager

from .enums import Consentement, DureePreset, Etape, Materiel, Posture, Resultat, SensOrientation, Source, TypeLieu
from .models import Demarche, DemarcheRealisee, Partenaire, passage_model
from .services import DemarcheInput, OrientationInput

DUREE_CHOICES = [(str(v), label) for v, label in DureePreset.choices] + [("autre", "Autre")]


class AccompagnementForm(forms.Form):
    """Header of the logging screen; the démarche blocks are parsed by ``parse_blocs``."""

    cle = forms.UUIDField(widget=forms.HiddenInput)
    usager = forms.ModelChoiceField(queryset=Usager.objects.none(), required=False, widget=forms.HiddenInput)
    passage = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)  # set in __init__
    source = forms.ChoiceField(label="Venue", choices=Source.choices, widget=forms.RadioSelect)
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    debut = forms.TimeField(label="Début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duree = forms.ChoiceField(
        label="Durée",
        choices=DUREE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    duree_autre = forms.IntegerField(label="Autre durée (minutes)", required=False, min_value=1, max_value=600)
    type_lieu = forms.ChoiceField(label="Lieu", choices=TypeLieu.choices, initial=TypeLieu.LIEU_ACTIVITE)
    materiel = forms.MultipleChoiceField(
        label="Matériel utilisé", choices=Materiel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Note (facultative, factuelle, lisible par la personne)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[guard_free_text],
    )

    def __init__(self, *args, mds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["usager"].queryset = Usager.objects.for_mds(mds).not_anonymized() if mds else Usager.objects.none()
        passages = passage_model().objects
        self.fields["passage"].queryset = passages.for_mds(mds) if mds else passages.none()

    def clean(self):
        data = super().clean()
        duree = data.get("duree")
        if not duree and data.get("duree_autre"):
            duree = "autre"  # filled by the running timer
        if not duree:
            self.add_error("duree", "Choisissez une durée.")
        elif duree == "autre":
            if not data.get("duree_autre"):
                self.add_error("duree_autre", "Indiquez la durée en minutes (entre 1 et 600).")
            else:
                data["duree_minutes"] = data["duree_autre"]
        elif duree:
            data["duree_minutes"] = int(duree)
        return data


def new_prefix() -> str:
    return "d" + secrets.token_hex(4)


class Bloc:
    """State of one démarche block of the logging screen (fresh, or re-rendered with errors)."""

    def __init__(self, *, prefix, demarche, suite=None, postures=None):
        self.prefix = prefix
        self.demarche = demarche
        self.suite = suite
        # ``postures``: the visitor's own last posture per step, shown as a marked suggestion.
        # Without one the step starts with no posture: the mediator chooses.
        postures = postures or {}
        self.etapes = [(code, Etape(code).label, postures.get(code, "")) for code in demarche.etapes_defaut]
        self.suggestions = {code for code, _, posture in self.etapes if posture}
        self.resultat = ""
        self.consentement = ""
        self.reference = suite.reference_dossier if suite else ""
        if suite is not None:
            self.pieces = [(p.libelle, p.fournie) for p in suite.pieces.all()]
        else:
            self.pieces = [(label, False) for label in demarche.pieces_defaut]
        self.orienter = "organisme"
        self.destinataire = ""
        self.partenaire = ""
        self.orientation_note = ""
        self.errors: dict[str, list[str]] = {}

    @classmethod
    def depuis_realisee(cls, realisee):
        """A block showing a saved démarche as it was logged (full correction screen)."""
        bloc = cls(prefix=new_prefix(), demarche=realisee.demarche, suite=realisee.suite_de)
        bloc.etapes = [(e.code, e.get_code_display(), e.posture) for e in realisee.etapes.all()]
        bloc.suggestions = set()
        bloc.resultat = realisee.resultat
        bloc.consentement = realisee.consentement
        bloc.reference = realisee.reference_dossier
        bloc.pieces = [(p.libelle, p.fournie) for p in realisee.pieces.all()]
        orientation = next(iter(realisee.orientations.all()), None)
        if orientation is not None:
            bloc.orienter = {"vers_partenaire": "partenaire"}.get(orientation.sens, "travailleur_social")
            bloc.destinataire = str(orientation.destinataire_id or "")
            bloc.partenaire = str(orientation.partenaire_id or "")
            bloc.orientation_note = orientation.note
        return bloc

    @property
    def etapes_disponibles(self):
        used = {code for code, _, _ in self.etapes}
        return [(code, label) for code, label in Etape.choices if code not in used]

    def field_id(self, name):
        return f"{self.prefix}-{name}"


POSTURES = Posture.choices
RESULTATS = Resultat.choices
CONSENTEMENTS = Consentement.choices


def _get(data, key):
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def parse_blocs(data, *, mds, postures=None) -> tuple[list[Bloc], list[DemarcheInput], bool]:
    """Read every démarche block of the POST. Returns (blocks to re-render, inputs, valid)."""
    blocs, items, valid = [], [], True
    prefixes = list(dict.fromkeys(p for p in data.getlist("bloc") if isinstance(p, str) and p.isalnum()))[:10]
    for prefix in prefixes:
        demarche_id = _get(data, f"{prefix}-demarche")
        demarche = (
            Demarche.objects.filter(pk=demarche_id, actif=True).select_related("organisme").first()
            if (is_id(demarche_id))
            else None
        )
        if demarche is None:
            valid = False
            continue
        suite = None
        suite_id = _get(data, f"{prefix}-suite")
        if is_id(suite_id):
            suite = (
                DemarcheRealisee.objects.filter(pk=suite_id, accompagnement__mds=mds).prefetch_related("pieces").first()
            )
        bloc = Bloc(prefix=prefix, demarche=demarche, suite=suite, postures=postures)
        # Steps as submitted (order kept, unknown codes dropped).
        etapes = []
        for code in dict.fromkeys(c for c in data.getlist(f"{prefix}-etape") if c in Etape.values):
            posture = _get(data, f"{prefix}-posture-{code}")
            if posture not in Posture.values:
                bloc.errors.setdefault("etapes", []).append(f"{Etape(code).label} : choisissez qui a fait cette étape.")
                posture = ""
            etapes.append((code, Etape(code).label, posture))
        if demarche.reserve_travailleur_social:
            etapes = []
        bloc.etapes = etapes
        bloc.suggestions = set()
        bloc.resultat = _get(data, f"{prefix}-resultat")
        bloc.consentement = _get(data, f"{prefix}-consentement")
        bloc.reference = _get(data, f"{prefix}-reference")[:200]
        labels = [p for p in data.getlist(f"{prefix}-piece") if isinstance(p, str)][:20]
        provided = set(data.getlist(f"{prefix}-piece-fournie"))
        bloc.pieces = [(label[:200], str(i) in provided) for i, label in enumerate(labels)]
        bloc.orienter = _get(data, f"{prefix}-orienter") or "organisme"
        bloc.destinataire = _get(data, f"{prefix}-destinataire")
        bloc.partenaire = _get(data, f"{prefix}-partenaire")
        bloc.orientation_note = _get(data, f"{prefix}-orientation-note")[:1000]
        blocs.append(bloc)

        if not demarche.reserve_travailleur_social and bloc.resultat not in Resultat.values:
            bloc.errors.setdefault("resultat", []).append("Choisissez le résultat de la démarche.")
        if bloc.consentement and bloc.consentement not in Consentement.values:
            bloc.consentement = ""
        needs_consent = any(
            c == Etape.VALIDATION and p == Posture.A_LA_PLACE for c, p in [(e[0], e[2]) for e in etapes]
        )
        if needs_consent and not bloc.consentement:
            bloc.errors.setdefault("consentement", []).append(
                "« Faire à la place » sur la validation : indiquez l'accord de la personne."
            )
        for name, value, limit in (("reference", bloc.reference, 60), ("orientation_note", bloc.orientation_note, 300)):
            try:
                FreeTextGuard(limit)(value)
            except ValidationError as error:
                bloc.errors.setdefault(name, []).extend(error.messages)
        for label, _ in bloc.pieces:
            try:
                FreeTextGuard(120)(label)
            except ValidationError as error:
                bloc.errors.setdefault("pieces", []).extend(error.messages)
        orientation = None
        wants_ts = demarche.reserve_travailleur_social or (
            bloc.resultat == Resultat.ORIENTEE and bloc.orienter == "travailleur_social"
        )
        if wants_ts:
            destinataire = None
            if is_id(bloc.destinataire):
                destinataire = travailleurs_sociaux(mds).filter(pk=bloc.destinataire).first()
                if destinataire is None:
                    bloc.errors.setdefault("destinataire", []).append("Destinataire inconnu.")
            orientation = OrientationInput(
                sens=SensOrientation.VERS_TRAVAILLEUR_SOCIAL, destinataire=destinataire, note=bloc.orientation_note
            )
        elif bloc.resultat == Resultat.ORIENTEE and bloc.orienter == "partenaire":
            partenaire = (
                Partenaire.objects.for_mds(mds).filter(pk=bloc.partenaire, actif=True).first()
                if is_id(bloc.partenaire)
                else None
            )
            if partenaire is None:
                bloc.errors.setdefault("partenaire", []).append("Choisissez la structure partenaire.")
            else:
                orientation = OrientationInput(
                    sens=SensOrientation.VERS_PARTENAIRE, partenaire=partenaire, note=bloc.orientation_note
                )
        if bloc.errors:
            valid = False
            continue
        open_result = bloc.resultat in (Resultat.DOIT_REVENIR, Resultat.A_FINALISER)
        items.append(
            DemarcheInput(
                demarche=demarche,
                resultat=bloc.resultat,
                etapes=[(c, p) for c, _, p in etapes],
                consentement=bloc.consentement if needs_consent else "",
                reference_dossier=bloc.reference if open_result or bloc.resultat == Resultat.FINALISEE else "",
                pieces=[p for p in bloc.pieces if p[0].strip()] if open_result else [],
                suite_de=suite,
                orientation=orientation,
            )
        )
    return blocs, items, valid and bool(blocs)


def travailleurs_sociaux(mds):
    return User.objects.filter(
        memberships__mds=mds, role__in=roles_with("mediation.orientations.equipe_ts"), is_active=True
    ).order_by("last_name", "first_name")


class OrientationForm(forms.Form):
    """A hand-off written outside the logging screen (travailleur social → desk, or desk → TS / partner)."""

    sens = forms.ChoiceField(label="Orienter vers", choices=SensOrientation.choices, widget=forms.RadioSelect)
    usager = forms.ModelChoiceField(
        label="Usager (facultatif)", queryset=Usager.objects.none(), required=False, empty_label="— Non précisé —"
    )
    destinataire = forms.ModelChoiceField(
        label="Destinataire (facultatif)", queryset=User.objects.none(), required=False, empty_label="— L'équipe —"
    )
    partenaire = forms.ModelChoiceField(
        label="Structure partenaire", queryset=Partenaire.objects.none(), required=False, empty_label="— Choisir —"
    )
    note = forms.CharField(
        label="Note courte (objective, non sensible)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[FreeTextGuard(300)],
    )
    creneau_souhaite = forms.DateTimeField(
        label="Créneau souhaité (facultatif)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, mds=None, usagers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mds = mds
        self.fields["usager"].queryset = usagers if usagers is not None else Usager.objects.none()
        self.fields["destinataire"].queryset = (
            User.objects.filter(
                memberships__mds=mds, is_active=True, role__in=roles_with("mediation.orientations.destinataire")
            )
            if mds
            else User.objects.none()
        ).order_by("last_name", "first_name")
        self.fields["partenaire"].queryset = (
            Partenaire.objects.for_mds(mds).filter(actif=True) if mds else Partenaire.objects.none()
        )

    def clean(self):
        data = super().clean()
        sens, destinataire = data.get("sens"), data.get("destinataire")
        if sens == SensOrientation.VERS_PARTENAIRE and not data.get("partenaire"):
            self.add_error("partenaire", "Choisissez la structure partenaire.")
        if destinataire is not None:
            expected = (
                "mediation.orientations.equipe_ts"
                if sens == SensOrientation.VERS_TRAVAILLEUR_SOCIAL
                else "mediation.log"
                if sens == SensOrientation.VERS_MEDIATION
                else None
            )
            if expected is None or not can(destinataire, expected):
                self.add_error("destinataire", "Ce destinataire ne correspond pas au sens de l'orientation.")
        return data


class StatutOrientationForm(forms.Form):
    reponse = forms.CharField(
        label="Réponse (facultative)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[FreeTextGuard(300)],
    )


class RevueForm(forms.Form):
    commentaire = forms.CharField(
        label="Commentaire pour le ou la stagiaire (facultatif)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[FreeTextGuard(300)],
    )


class PartenaireForm(forms.ModelForm):
    class Meta:
        model = Partenaire
        fields = ["nom", "adresse", "permanences", "contact", "thematiques", "actif"]


class CorrectionForm(forms.Form):
    """Correct the time, duration or origin of a sitting (the session log gets a superseding entry)."""

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    debut = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duree_minutes = forms.IntegerField(label="Durée (minutes)", min_value=1, max_value=600)
    source = forms.ChoiceField(label="Venue", choices=Source.choices)
    type_lieu = forms.ChoiceField(label="Lieu", choices=TypeLieu.choices)
    note = forms.CharField(
        label="Note (facultative)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[guard_free_text],
    )


class AccompagnementFiltreForm(forms.Form):
    """Filters of « Mes accompagnements » (bad input is ignored field by field, never a 500)."""

    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    q = forms.CharField(
        label="Usager (référence, début du nom, téléphone)",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    anonymes = forms.BooleanField(label="Accompagnements anonymes seulement", required=False)
    tous = forms.BooleanField(label="Toute la MDS", required=False)

    def filtres(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


class NouvelleFicheForm(forms.Form):
    """A visitor record created from an anonymous accompaniment (the rest is filled on the record)."""

    prenom = forms.CharField(label="Prénom", max_length=60, validators=[FreeTextGuard(60)])
    nom = forms.CharField(label="Nom (facultatif)", max_length=60, required=False, validators=[FreeTextGuard(60)])
