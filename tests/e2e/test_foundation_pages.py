from tests.factories import TEST_PASSWORD


def test_login_page_is_accessible_and_logs_in(page, live_server, axe, mediateur):
    page.goto("/accounts/login/")
    assert page.title().startswith("Connexion")
    axe(page, "core-login")
    page.get_by_label("Adresse e-mail").fill(mediateur.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    axe(page, "core-home-mediateur")
    assert page.third_party_requests == []


def test_login_errors_are_summarised_and_keyboard_reachable(page, axe):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    page.get_by_role("button", name="Se connecter").click()
    assert page.locator("[data-error-summary]").is_visible()
    axe(page, "core-login-errors")
