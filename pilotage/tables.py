"""Table names for pilotage's raw SQL, one name per table for the whole app (a name never means the
session log in one module and its summary in another)."""

from accueil.models import Fermeture, Motif, Passage, PlageOuverture, RendezVous
from ateliers.models import Seance
from mediation.models import JournalActivite, JournalDemarche, JournalEtape
from usagers.models import Usager

from .models import AgregatMois, FigureFenetre, ModificationTardive, Rapport, ResumeActivite, ResumeDemarche

# the session log (append-only journal) and pilotage's own stores built from it
ACTIVITES = JournalActivite._meta.db_table
DEMARCHES = JournalDemarche._meta.db_table
ETAPES = JournalEtape._meta.db_table
RESUMES = ResumeActivite._meta.db_table
RESUMES_DEM = ResumeDemarche._meta.db_table
AGREGATS = AgregatMois._meta.db_table
FIGURES = FigureFenetre._meta.db_table
RAPPORTS = Rapport._meta.db_table
MODIFICATIONS = ModificationTardive._meta.db_table  # late desk changes, noted by triggers
# the desk's tables read live
USAGERS = Usager._meta.db_table
RENDEZ_VOUS = RendezVous._meta.db_table
PASSAGES = Passage._meta.db_table
MOTIFS = Motif._meta.db_table
PLAGES = PlageOuverture._meta.db_table
FERMETURES = Fermeture._meta.db_table
SEANCES = Seance._meta.db_table


def messages() -> str:
    """The outbox table (notifications is imported late, as elsewhere in pilotage)."""
    from notifications.models import Message

    return Message._meta.db_table
