import pytest


@pytest.fixture(autouse=True)
def referentiels(db):
    """Browser tests flush the database (TRUNCATE), data migrations included: reload if needed."""
    from mediation.referentials import ensure_loaded

    ensure_loaded()
