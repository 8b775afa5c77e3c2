"""One way to do each shared thing (docs/architecture.md): the hand-written variants stay gone.

Static checks of the application code (tests, migrations, demo data and management commands
excluded where noted)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "usagers", "notifications", "accueil", "mediation", "ateliers", "pilotage", "interop"]


def _sources(*, skip=()):
    for app in APPS:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or any(part in rel for part in skip):
                continue
            yield rel, path.read_text(encoding="utf-8")


RULES = [
    # (what, pattern, the one module allowed to do it, extra paths skipped)
    ("role test outside the matrix", r"\.role\s*(==|!=|in\b|not in\b)|role__in=\[|role=Role\.", "core/permissions.py",
     ("/demo", "/management/", "core/models.py", "core/middleware.py")),
    ("hand-written advisory lock", r"pg_(try_)?advisory", "core/locks.py", ()),
    ("time zone defined again", r"ZoneInfo\(", "core/dates.py", ()),
    ("page size chosen in a view", r"Paginator\(", "core/pagination.py", ()),
    ("hand-written « no current MDS » check", r"request\.mds is None|not request\.mds\b", "core/scoping.py", ()),
]  # fmt: skip


@pytest.mark.parametrize(("what", "pattern", "allowed", "skip"), RULES, ids=[r[0] for r in RULES])
def test_one_way_to_do_it(what, pattern, allowed, skip):
    regex = re.compile(pattern)
    offenders = [
        f"{rel}:{n}"
        for rel, text in _sources(skip=skip)
        if rel != allowed
        for n, line in enumerate(text.splitlines(), 1)
        if regex.search(line) and not line.lstrip().startswith("#")
    ]
    assert not offenders, f"{what}: {offenders}"


def test_feature_apps_own_their_notification_glue():
    for app in ("accueil", "ateliers", "mediation"):
        assert (ROOT / app / "notifications.py").is_file()
    for old in ("accueil/reminders.py", "ateliers/notify.py"):
        assert not (ROOT / old).exists()


def test_dependency_table_script_shows_peers_apart():
    """scripts/dependency_table.py (the table of docs/architecture.md) reads the same code as
    import-linter: no import between peers, nothing imports pilotage, no cycle but the known one."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dependency_table", ROOT / "scripts" / "dependency_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table, _function_level, edges = module.collect()
    peers = {"accueil", "mediation", "ateliers"}
    for app in peers:
        assert not (set(table[app]) & (peers - {app})), (app, dict(table[app]))
    assert not any("pilotage" in row for app, row in table.items() if app not in ("pilotage", "interop"))
    assert table["ateliers"].get("notifications") and table["borne"].get("accueil")  # the table does count
    assert module.cycles(edges) in ([], [["pilotage.rapports", "pilotage.tasks"]])
    rendered = module.render(table, markdown=True)
    assert rendered.splitlines()[0].startswith("| importe → | core | usagers | notifications |")
