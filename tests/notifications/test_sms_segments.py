import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.sms import GSM7_BASIC, GSM7_EXTENSION, gsm_fold, is_gsm7, measure


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "gsm7", 0, 1),
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("€" * 80, "gsm7", 160, 1),  # extension characters count twice
        ("€" * 81, "gsm7", 162, 2),
        ("é" * 160, "gsm7", 160, 1),  # é is in the GSM-7 basic table
        ("ê" * 70, "ucs2", 70, 1),  # ê is not
        ("ê" * 71, "ucs2", 71, 2),
        ("ê" * 134, "ucs2", 134, 2),
        ("ê" * 135, "ucs2", 135, 3),
        ("م" * 70, "ucs2", 70, 1),
        ("😀" * 35, "ucs2", 70, 1),  # surrogate pairs: two code units each
    ],
)
def test_measure(text, encoding, units, segments):
    result = measure(text)
    assert (result.encoding, result.units, result.segments) == (encoding, units, segments)


def test_escape_pair_is_never_split_across_parts():
    # 152 plain septets then one extension char (2 septets): 154 > 153, the pair moves to part 2.
    text = "a" * 152 + "€" + "a" * 10
    assert measure(text).units == 164
    assert measure(text).segments == 2
    text = "a" * 152 + "€" + "a" * 152  # part 1: 152, part 2: 2 + 151, part 3: 1
    assert measure(text).segments == 3


def test_surrogate_pair_is_never_split():
    text = "ê" * 66 + "😀" + "ê" * 10  # 66 + 2 > 67: the emoji opens part 2
    assert measure(text).segments == 2
    assert measure("ê" * 66 + "😀" + "ê" * 66).segments == 3


@given(st.text(alphabet=GSM7_BASIC + GSM7_EXTENSION, max_size=500))
def test_gsm_segments_bound(text):
    result = measure(text)
    assert result.encoding == "gsm7"
    assert result.units == len(text) + sum(ch in GSM7_EXTENSION for ch in text)
    if result.units <= 160:
        assert result.segments == 1
    else:
        assert -(-result.units // 153) <= result.segments <= -(-result.units // 152)


def test_gsm_fold_keeps_latin_text_in_gsm7():
    folded = gsm_fold("Maison départementale — Saint-Barthélemy, Bêta, Côte, 2 rue de l’Église, œuvre")
    assert is_gsm7(folded)
    assert "Saint-Barthélemy" in folded  # é is GSM-7 already: kept
    assert "Beta" in folded and "Cote" in folded and "l'Église" in folded
