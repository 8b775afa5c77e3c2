"""Browser tests: Debian's Chromium driven by Playwright, axe-core for accessibility.

Without Chromium the tests skip with a reason on a developer's machine; in CI (CI=true) a missing
browser is a failure. Screenshots go to test-artifacts/screenshots/ (git-ignored) for review.

Every browser context a test opens (the `page` fixture's, or one made with `browser.new_context`)
is watched for Content-Security-Policy violations — the page's `securitypolicyviolation` events and
the console's « Refused to … » lines: any violation fails the test that caused it."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Violations seen during the running test, from every context it opened (reset before each test).
CSP_VIOLATIONS = []
# Runs in every document before its own scripts: reports the browser's own violation events.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(`${event.effectiveDirective} bloqué : ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || document.location.pathname}:${event.lineNumber})`);
});
"""


def chromium_path():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def is_csp_message(text):
    return "Content Security Policy" in text or "Content-Security-Policy" in text


def guard_csp(context):
    """Record the context's CSP violations in CSP_VIOLATIONS, with the page's path."""
    context.expose_binding(
        "__cspViolation", lambda source, text: CSP_VIOLATIONS.append(f"{source['frame'].url} : {text}")
    )
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if is_csp_message(message.text):
            CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'} : {message.text}")

    context.on("console", on_console)
    return context


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    CSP_VIOLATIONS.clear()  # what fixtures load (a page opened at setup) counts for this test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if CSP_VIOLATIONS and "/e2e/" in str(item.fspath):
        seen = list(dict.fromkeys(CSP_VIOLATIONS))
        CSP_VIOLATIONS.clear()
        pytest.fail("Violations de la CSP dans le navigateur :\n" + "\n".join(seen), pytrace=False)
    return result


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium est introuvable : .ci/run doit l'installer (apt-get install -y chromium).")
        pytest.skip("Chromium absent sur cette machine (apt-get install chromium) : tests navigateur ignorés.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        new_context = browser.new_context
        # Same call, same result: the context only comes back already watched.
        browser.new_context = lambda *args, **kwargs: guard_csp(new_context(*args, **kwargs))
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    # Any request to another host is a privacy bug: record them all.
    page.third_party_requests = []
    host = live_server.url.split("//", 1)[1]

    def watch(request):
        url = request.url
        if url.startswith(("http://", "https://")) and f"//{host}" not in url:
            page.third_party_requests.append(url)

    page.on("request", watch)
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    """login(page, user): log the browser in by copying a server-side session cookie."""
    from django.conf import settings
    from django.test import Client

    def do(page, user):
        from tests.auth_helpers import login_client

        client = login_client(Client(), user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return do


@pytest.fixture
def axe():
    """axe(page, name): run axe-core on the page, save a screenshot, fail on any WCAG 2.1 AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    runner = Axe()

    def check(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        results = runner.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        violations = results.response["violations"]
        assert not violations, f"{name}: " + "; ".join(
            f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']}" for v in violations
        )
        return results

    return check
