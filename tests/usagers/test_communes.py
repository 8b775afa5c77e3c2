"""The visitor form offers the communes of the Bouches-du-Rhône by name and stores the INSEE code."""

import pytest

from usagers import communes
from usagers.forms import UsagerForm


def test_the_119_communes_and_16_arrondissements():
    data = communes.communes()
    codes = [c for c in data if c.startswith("130") or c.startswith("131")]
    assert len(codes) == 119 and codes == [str(13000 + i) for i in range(1, 120)]
    assert [c for c in data if c.startswith("132")] == [str(13200 + i) for i in range(1, 17)]
    assert data["13055"] == "Marseille" and data["13001"] == "Aix-en-Provence"
    assert data["13119"] == "Carnoux-en-Provence" and data["13201"] == "Marseille 1er Arrondissement"
    # Official names of the Code officiel géographique 2026 (article, hyphens, accents as published).
    assert (data["13077"], data["13094"], data["13100"]) == (
        "Port-de-Bouc",
        "Saint-Étienne-du-Grès",
        "Saint-Rémy-de-Provence",
    )
    assert len(data) == 135
    labels = [label for _, label in communes.choices()[1:]]
    assert labels.index("Éguilles (13032)") < labels.index("Fos-sur-Mer (13039)")  # accents ignored


@pytest.mark.django_db
def test_form_chooses_by_name_and_keeps_a_code_from_elsewhere(mds_a):
    form = UsagerForm(mds=mds_a, data={"reference": "AAA-TEST", "commune_insee": "13004"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune_insee"] == "13004"
    html = str(form["commune_insee"])
    assert "<select" in html and "Arles (13004)" in html
    assert not UsagerForm(mds=mds_a, data={"reference": "AAA-TEST2", "commune_insee": "99999"}).is_valid()
