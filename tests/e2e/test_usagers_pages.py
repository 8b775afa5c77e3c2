import re

from django.urls import reverse

from tests.usagers.factories import UsagerFactory
from usagers.models import AccesJournal, Usager


def test_create_visitor_with_keyboard_errors_then_success(page, login, axe, mds_a, mediateur):
    UsagerFactory.create_batch(3, mds=mds_a)
    login(page, mediateur)
    page.goto(reverse("usagers:liste"))
    axe(page, "usagers-liste")
    page.get_by_role("link", name="Nouvel usager").click()
    axe(page, "usagers-nouveau")
    reference = page.get_by_label("Référence").input_value()
    assert reference.startswith("AAA-")
    # Keyboard only: first name, then ask for SMS reminders without a phone number.
    page.get_by_label("Prénom ou initiale").focus()
    page.keyboard.type("Awa")
    page.keyboard.press("Tab")
    page.keyboard.type("D.")
    page.get_by_label("Canal de contact préféré").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.get_by_label("Note de suivi").focus()
    page.keyboard.type("mdp : Soleil2024!")
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "2 erreurs" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.get_by_label("Prénom ou initiale").input_value() == "Awa"
    note_error = page.locator("#id_note_error").inner_text()
    assert "Ne notez jamais un mot de passe" in note_error and "Notez plutôt" in note_error
    assert "Soleil2024" not in note_error  # the refusal never echoes the secret
    axe(page, "usagers-nouveau-erreurs")
    # Fix with the keyboard: follow the summary link to the phone field.
    page.locator("[data-error-summary] a[href='#id_telephone']").click()
    page.get_by_label("Téléphone portable").fill("06 12 34 56 78")
    page.get_by_label("Note de suivi").fill("Revient jeudi avec ses justificatifs.")
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/usagers/\d+/"))
    usager = Usager.objects.get(reference=reference)
    assert usager.telephone == "+33612345678" and usager.canal_contact == "sms"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Awa D.")
    axe(page, "usagers-detail")
    assert AccesJournal.objects.filter(usager_pk=usager.pk).count() == 2  # creation + consultation
    assert page.third_party_requests == []


def test_rights_and_journal_pages_are_accessible(page, login, axe, mds_a, make_user):
    from core.roles import Role
    from usagers import services

    tuteur = make_user(Role.TUTEUR)
    usager = services.create_usager(mds=mds_a, user=tuteur, reference="AAA-E2E2", prenom="Lina", nom="Moreau")
    login(page, tuteur)
    page.goto(reverse("usagers:detail", kwargs={"pk": usager.pk}))
    page.get_by_role("link", name="Exporter les données").click()
    axe(page, "usagers-exporter")
    page.get_by_role("button", name="Ouvrir la page imprimable").click()
    page.get_by_role("heading", level=1).wait_for()
    assert "Lina" in page.content()
    axe(page, "usagers-export-imprimable")
    page.goto(reverse("usagers:anonymiser", kwargs={"pk": usager.pk}))
    page.get_by_role("button", name="Anonymiser définitivement").click()
    page.locator("[data-error-summary]").wait_for()
    axe(page, "usagers-anonymiser-erreur")
    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Anonymiser définitivement").click()
    page.wait_for_url(re.compile(r"/usagers/\d+/$"))
    usager.refresh_from_db()
    assert usager.anonymise_le is not None and usager.prenom == ""
    assert page.third_party_requests == []


def test_journal_page_is_accessible(page, login, axe, mds_a, directeur):
    from usagers.journal import log_access

    usager = UsagerFactory(mds=mds_a)
    for operation in ("creation", "consultation", "export"):
        log_access(user=directeur, mds=mds_a, operation=operation, usager=usager)
    login(page, directeur)
    page.goto(reverse("usagers:journal"))
    assert page.locator("tbody tr").count() == 3
    axe(page, "usagers-journal")
