"""Helpers of the kiosk browser tests: a kiosk tablet is a touch browser holding the device cookie."""

from accueil.borne import credentials
from tests.borne.factories import BorneFactory, cookie_value

# A 1280×800 tablet and a floor-standing 1080×1920 portrait screen.
SIZES = {"paysage": {"width": 1280, "height": 800}, "portrait": {"width": 1080, "height": 1920}}
LANGUES = {"fr": "Français", "en": "English", "ar": "العربية"}


def tablets(browser, live_server):
    """Generator behind the ``tablet`` fixture of the kiosk test modules:
    tablet(size) → a touch-screen Playwright page on the live server (no kiosk cookie yet)."""
    contexts = []

    def make(size="paysage"):
        context = browser.new_context(viewport=SIZES[size], has_touch=True, locale="fr-FR", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.third_party_requests = []
        host = live_server.url.split("//", 1)[1]
        page.on(
            "request",
            lambda r: (
                page.third_party_requests.append(r.url)
                if r.url.startswith("http") and f"//{host}" not in r.url
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


def install_kiosk(page, live_server, mds):
    borne = BorneFactory(mds=mds)
    page.context.add_cookies(
        [{"name": credentials.cookie_name(), "value": cookie_value(borne), "url": live_server.url}]
    )
    return borne


def choose_language(page, langue):
    page.get_by_role("button", name=LANGUES[langue]).tap()
    page.wait_for_selector(f'html[lang="{langue}"]')


def tap(page, name):
    """Tap the tile/button/link whose visible name is ``name``, like a finger would."""
    page.locator(".borne-tuile, .borne-bouton, .borne-langue, button, a").filter(has_text=name).first.tap()


def check_targets(page, minimum=44, gap=8):
    """Every tile and button of the kiosk is at least 44×44 px and 8 px away from its neighbours."""
    boxes = page.eval_on_selector_all(
        ".borne-tuile, .borne-bouton, .borne-langue",
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height,"
        " e.textContent.trim().slice(0, 30), e.closest('main, nav, header, dialog').tagName]; })",
    )
    assert boxes, "aucune cible tactile"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"la page déborde horizontalement de {overflow} px"
    for _x, _y, w, h, label, _zone in boxes:
        assert w >= minimum and h >= minimum, f"cible trop petite : {label} {w}×{h}"
    for i, (x1, y1, w1, h1, l1, z1) in enumerate(boxes):
        for x2, y2, w2, h2, l2, z2 in boxes[i + 1 :]:
            if z1 != z2:  # main scrolls above the bottom bar: separate zones never overlap
                continue
            dx = max(x2 - (x1 + w1), x1 - (x2 + w2))
            dy = max(y2 - (y1 + h1), y1 - (y2 + h2))
            assert max(dx, dy) >= gap - 0.5, f"cibles trop proches : {l1} / {l2}"
