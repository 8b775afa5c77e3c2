import pytest


@pytest.fixture(autouse=True)
def referentiels(db):
    """Browser tests flush the database (TRUNCATE), data migrations included: reload if needed."""
    from mediation.services import charger_referentiels

    charger_referentiels()
