"""The shared browser fixture's CSP watch: a violation is recorded (and would fail the test)."""

from tests.e2e import conftest


def test_an_inline_style_under_the_policy_is_caught(page, live_server):
    """A page served with the project's style policy and one style attribute: the guard sees it."""
    page.route(
        f"{live_server.url}/essai-csp/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": "style-src 'self'"},
            body='<!DOCTYPE html><html lang="fr"><title>Essai</title><p style="color: red">Rouge</p></html>',
        ),
    )
    with page.expect_console_message(lambda message: conftest.is_csp_message(message.text)):
        page.goto("/essai-csp/")
    # The page's own event comes through the exposed binding: each round trip delivers pending calls.
    for _ in range(50):
        if any("bloqué" in line for line in conftest.CSP_VIOLATIONS):
            break
        page.evaluate("1")
    seen = list(conftest.CSP_VIOLATIONS)
    # Emptied here on purpose: this test provoked the violations to prove both watches see them.
    conftest.CSP_VIOLATIONS.clear()
    assert any(
        "inline style" in line and "Content Security Policy" in line and "/essai-csp/" in line for line in seen
    ), seen
    assert any(line.endswith(")") and "style-src-attr bloqué : inline" in line for line in seen), seen


def test_a_clean_page_records_nothing(page, live_server):
    page.goto("/healthz")
    assert conftest.CSP_VIOLATIONS == []
