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


def test_director_without_totp_is_led_to_mfa_setup_page(page, live_server, axe, mds_a):
    from core.roles import Role
    from tests.factories import UserFactory

    director = UserFactory(role=Role.DIRECTEUR, mds=mds_a, with_totp=False)
    page.goto("/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(director.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # allauth asks for the password again before any MFA change (protects against a stolen session).
    page.wait_for_url("**/accounts/reauthenticate/**")
    axe(page, "core-reauthenticate")
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    axe(page, "core-mfa-activation")
    page.goto("/equipe/")
    assert "/accounts/2fa/totp/activate/" in page.url
    assert page.third_party_requests == []


def test_account_pages_are_accessible(page, axe, login, mediateur):
    login(page, mediateur)
    page.goto("/accounts/password/change/")
    axe(page, "core-password-change")
    page.goto("/page-qui-n-existe-pas/")
    assert page.title().startswith("Page introuvable")
    axe(page, "core-404")
