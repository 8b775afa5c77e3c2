"""Demo data of the kiosk: one device per MDS (with a fresh pairing link printed while it is not
paired yet) and a few weeks of anonymous feedback. Idempotent."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import services
from .codes import format_code
from .enums import AvisTag, Ressenti
from .models import Avis, Borne

NOM = "Salle d'attente (démo)"
JOURS_AVIS = 42


def seed(context: dict) -> None:
    rng = context["rng"]
    stdout = context.get("stdout")
    context["bornes"] = {}
    today = timezone.localdate()
    for code, mds in context["mds"].items():
        borne = Borne.objects.filter(mds=mds, nom=NOM).first()
        if borne is None:
            borne, pairing = services.creer_borne(mds=mds, nom=NOM)
        elif borne.active and not borne.identifiant_hash:
            pairing = services.nouveau_code_appairage(borne=borne)
        else:
            pairing = None
        context["bornes"][code] = borne
        if pairing and stdout is not None:
            link = settings.SITE_URL.rstrip("/") + reverse("borne:appairer") + f"?code={pairing}"
            stdout.write(f"  Borne {mds.code} : code {format_code(pairing)} — {link}")

        if Avis.objects.filter(mds=mds).exists():
            continue
        avis = []
        for offset in range(JOURS_AVIS):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for _ in range(rng.randint(0, 6)):
                ressenti = rng.choices(list(Ressenti), weights=[70, 20, 10])[0]
                tags = rng.sample(list(AvisTag), k=rng.choice([0, 0, 1, 2]))
                avis.append(Avis(mds=mds, jour=day, ressenti=ressenti, tags=sorted(t.value for t in tags)))
        Avis.objects.bulk_create(avis)
