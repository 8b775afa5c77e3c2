"""Find → correct → attach a visitor → follow up, in a real browser; closures over bookings;
team management. axe (WCAG 2.1 AA) on each screen, no CSP violation in the console."""

import datetime as dt

from django.utils import timezone

from accueil.calendar import PARIS
from accueil.enums import StatutRendezVous
from accueil.models import RendezVous
from core.roles import Role
from core.services import invite_staff
from mediation.enums import Resultat
from mediation.models import Accompagnement, JournalActivite
from mediation.services import charger_referentiels
from tests.accueil.factories import MotifFactory, next_open_day
from tests.e2e.test_desk_day import watch_csp
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory


def test_find_correct_attach_and_follow_up(page, login, axe, mds_a, make_user):
    charger_referentiels()
    mediateur = make_user(Role.MEDIATEUR)
    amina = UsagerFactory(mds=mds_a, prenom="Amina", nom="Kaci", recherche="amina kaci")
    acc = log(mds_a, mediateur, date=timezone.localdate(), items=[item(resultat=Resultat.DOIT_REVENIR)])
    log(mds_a, mediateur, usager=amina, date=timezone.localdate() - dt.timedelta(days=40))
    watch_csp(page)
    login(page, mediateur)
    # Find: « Mes accompagnements », anonymous only.
    page.goto("/")
    page.get_by_role("link", name="Mes accompagnements").click()
    page.get_by_label("Accompagnements anonymes seulement").check()
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_text("1 accompagnement", exact=True).is_visible()
    axe(page, "mediation-liste")
    page.get_by_role("link", name="Personne anonyme").click()
    page.wait_for_url(f"**/mediation/accompagnements/{acc.pk}/")
    # Correct the outcome and a posture on the logging screen.
    page.get_by_role("link", name="Corriger les démarches, étapes et postures").click()
    block = page.locator("[data-bloc]")
    block.wait_for()
    assert block.locator("input[value='doit_revenir']").is_checked()
    axe(page, "mediation-modifier")
    block.locator(".etape[data-etape='saisie']").get_by_text("Faire faire", exact=True).click()
    block.locator("label", has_text="Finalisée").click()
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.wait_for_url(f"**/mediation/accompagnements/{acc.pk}/")
    realisee = Accompagnement.objects.get(pk=acc.pk).demarches.get()
    assert realisee.resultat == "finalisee" and realisee.etapes.get(code="saisie").posture == "faire_faire"
    assert JournalActivite.objects.filter(cle=f"accompagnement:{acc.pk}").count() == 2
    # Attach: type the first letters, pick the record with the keyboard-friendly radio.
    page.get_by_label("Rechercher : référence, début du prénom ou du nom, téléphone").fill("ami")
    choice = page.get_by_label("Amina Kaci — " + amina.reference)
    choice.wait_for()
    axe(page, "mediation-rattacher-choix")
    choice.check()
    page.get_by_role("button", name="Rattacher", exact=True).click()
    page.get_by_text(f"Accompagnement rattaché à la fiche {amina.reference}.").wait_for()
    assert Accompagnement.objects.get(pk=acc.pk).usager == amina
    # Follow up: the older « doit revenir » of Amina… is finalised now; log a new open one and continue it.
    log(mds_a, mediateur, usager=amina, items=[item("impots_declaration", resultat=Resultat.A_FINALISER)])
    page.goto("/")
    suivre = page.locator("section", has=page.get_by_role("heading", name="Mes démarches à suivre"))
    suivre.get_by_role("link", name="Continuer").first.click()
    page.locator("[data-bloc] input[name$='-suite']").wait_for(state="attached")
    assert page.csp_violations == []


def test_closure_over_bookings_in_the_browser(page, login, axe, mds_a, make_user):
    motif = MotifFactory(mds=mds_a)
    day = next_open_day()
    start = dt.datetime.combine(day, dt.time(10), tzinfo=PARIS)
    for i in range(2):
        RendezVous.objects.create(
            mds=mds_a,
            motif=motif,
            debut=start + dt.timedelta(hours=i),
            fin=start + dt.timedelta(hours=i, minutes=30),
            canal="guichet",
            prenom_ou_initiales=f"Personne {i}",
        )
    watch_csp(page)
    login(page, make_user(Role.DIRECTEUR))
    page.goto("/accueil/parametres/#fermeture")
    form = page.locator("form", has=page.locator("input[name='kind'][value='fermeture']"))
    form.get_by_label("Du").fill(day.isoformat())
    form.get_by_label("Au (inclus)").fill(day.isoformat())
    form.get_by_role("button").click()
    page.get_by_role("heading", name="Fermeture : 2 rendez-vous concernés").wait_for()
    axe(page, "fermeture-confirmer")
    page.get_by_role("button", name="Ajouter la fermeture et annuler ces rendez-vous").click()
    page.get_by_text("annulés : 2 rendez-vous").wait_for()
    assert set(RendezVous.objects.values_list("statut", flat=True)) == {StatutRendezVous.ANNULE}
    assert page.csp_violations == []


def test_team_management_in_the_browser(page, login, axe, mds_a, make_user):
    directeur = make_user(Role.DIRECTEUR)
    member = make_user(Role.MEDIATEUR, first_name="Yann", last_name="Morel")
    invite_staff(mds=mds_a, email="nina@example.org", first_name="Nina", last_name="Diallo", role="accueil")
    watch_csp(page)
    login(page, directeur)
    page.goto("/equipe/")
    assert page.get_by_text("Invitation en attente").is_visible()
    axe(page, "equipe")
    page.get_by_role("button", name="Renvoyer l'invitation à nina@example.org").click()
    page.get_by_text("Invitation renvoyée à nina@example.org.").wait_for()
    page.get_by_label("Rôle de Yann Morel").select_option("tuteur")
    page.get_by_role("button", name="Changer le rôle de Yann Morel").click()
    page.get_by_text("Yann Morel : rôle tuteur·rice.").wait_for()
    page.get_by_role("button", name="Désactiver Yann Morel").click()
    page.get_by_text("Compte de Yann Morel désactivé.").wait_for()
    member.refresh_from_db()
    assert member.role == "tuteur" and not member.is_active
    axe(page, "equipe-apres")
    assert page.csp_violations == []
