"""The table rows built in Python give the markup the template loop gave, cell for cell: French
decimal comma, no grouping, « – » for an empty cell, every text escaped."""

import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from pilotage.tableaux import Tableau
from pilotage.templatetags.pilotage_tableaux import lignes_tableau

# The loop this filter replaced (templates/pilotage/_tableau.html before it), kept as the reference.
BOUCLE = Template(
    "{% for row in tableau.rangees %}"
    '<tr {% if forloop.last and tableau.total is not None %}class="pilotage-total"{% endif %}>'
    '<th scope="row">{{ row.0 }}</th>'
    '{% for value in row|slice:"1:" %}<td>{{ value|default_if_none:"–" }}</td>{% endfor %}'
    "</tr>{% endfor %}"
)


def _normal(html: str) -> str:
    return re.sub(r"<tr >", "<tr>", re.sub(r">\s+<", "><", str(html)))


def _tableau(total):
    values = [12, 0, 1234567, Decimal("12.5"), Decimal("0.0"), Decimal("-3.25"), 33.3, 1e-7, 2.0, None, "s"]
    return Tableau(
        cle="essai",
        titre="Essai",
        entete_lignes="MDS",
        colonnes=[str(k) for k in range(len(values))],
        lignes=[("MDS <Nord> & « Sud »", values), ("Aix-en-Provence", list(reversed(values)))],
        total=total,
    )


def test_the_rows_are_the_template_loops_rows():
    with translation.override("fr"):
        for total in (None, [99, Decimal("7.5"), None, "s", 4.25, 0, 1, 2, 3, 4, 5]):
            tableau = _tableau(total)
            expected = _normal(BOUCLE.render(Context({"tableau": tableau})))
            assert _normal(lignes_tableau(tableau)) == expected
            assert "12,5" in expected and "&lt;Nord&gt; &amp;" in expected and "–" in expected
