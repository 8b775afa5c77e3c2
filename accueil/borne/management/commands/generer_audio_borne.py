"""Generate the kiosk's spoken fallback (and the waiting-room call clips) with espeak-ng.

    python manage.py generer_audio_borne            # every screen and clip, fr/en/ar
    python manage.py generer_audio_borne --ecrans   # only the kiosk screens
    python manage.py generer_audio_borne --ecran accueil --ecran ateliers   # only these screens

Needs the Debian packages ``espeak-ng`` and ``opus-tools`` (opusenc). The files are committed
(mono Opus at 12 kbit/s, well under 10 MB in all), so nothing is generated at run time or in CI."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accueil.borne import audio

APPELS = {
    # waiting-room clips: « Ticket A », « bureau », « guichet » and the numbers
    "fr": {"ticket-a": "Ticket A", "bureau": "bureau", "guichet": "guichet"},
    "en": {"ticket-a": "Ticket A", "bureau": "office", "guichet": "desk"},
    "ar": {"ticket-a": "التذكرة A", "bureau": "المكتب", "guichet": "الشباك"},
}
NOMBRE_MAX = 300


class Command(BaseCommand):
    help = "Enregistre avec espeak-ng la lecture de chaque écran de la borne et les appels de la salle d'attente."

    def add_arguments(self, parser):
        parser.add_argument("--ecrans", action="store_true", help="seulement les écrans de la borne")
        parser.add_argument("--appels", action="store_true", help="seulement les appels de l'écran de salle")
        parser.add_argument(
            "--ecran", action="append", choices=sorted(audio.SCREENS), help="seulement cet écran (répétable)"
        )
        parser.add_argument("--dossier", default=str(Path(settings.BASE_DIR) / "static" / "audio"))

    def handle(self, *args, **options):
        for tool in ("espeak-ng", "opusenc"):
            if not shutil.which(tool):
                raise CommandError(f"{tool} est introuvable : apt-get install espeak-ng opus-tools")
        root = Path(options["dossier"])
        seuls = options["ecran"]
        if seuls:
            options["ecrans"] = True  # a few screens only: no waiting-room clips
        both = not options["ecrans"] and not options["appels"]
        count = 0
        for langue in audio.LANGUES:
            if both or options["ecrans"]:
                with translation.override(langue):
                    for ecran in seuls or audio.SCREENS:
                        self._say(audio.texte(ecran), langue, root / "borne" / langue / f"{ecran}.ogg")
                        count += 1
            if both or options["appels"]:
                clips = dict(APPELS[langue])
                clips.update({f"n-{n}": str(n) for n in range(NOMBRE_MAX + 1)})
                for name, text in clips.items():
                    self._say(text, langue, root / "ecran" / langue / f"{name}.ogg")
                    count += 1
        size = sum(f.stat().st_size for f in root.rglob("*.ogg"))
        self.stdout.write(f"{count} fichiers enregistrés dans {root} ({size / 1e6:.2f} Mo au total).")

    def _say(self, text, langue, target: Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "voix.wav"
            subprocess.run(
                ["espeak-ng", "-v", audio.ESPEAK_VOICES[langue], "-s", "140", "-w", str(wav), text],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                ["opusenc", "--quiet", "--bitrate", "12", "--downmix-mono", str(wav), str(target)],
                check=True,
                capture_output=True,
            )
