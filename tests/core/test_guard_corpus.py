"""The secret guard on the written corpus (tests/core/corpus_garde.txt): the confusion matrix must
meet the issue's targets, and every category must be caught, not just the total."""

import pytest

from core.guard_measure import load_corpus, measure
from core.text_guard import MESSAGES, problems

CORPUS = load_corpus()


def test_the_corpus_is_large_and_balanced():
    secrets = [e for e in CORPUS if e.secret]
    legit = [e for e in CORPUS if not e.secret]
    categories = {e.category for e in secrets}
    assert len(CORPUS) >= 300 and len(secrets) >= 200 and len(legit) >= 100
    assert len(categories) >= 15
    # No category dominates: the biggest is at most 10 % of the secrets.
    assert max(sum(e.category == c for e in secrets) for c in categories) <= 0.1 * len(secrets)


def test_confusion_matrix_meets_the_targets():
    result = measure(CORPUS)
    assert result.recall >= 0.97, [e.text for e in result.missed]
    assert result.false_positive_rate <= 0.02, [e.text for e in result.wrongly_refused]


def test_every_category_is_mostly_caught():
    result = measure(CORPUS)
    for (secret, category), (caught, total) in result.per_category.items():
        if secret:
            assert caught / total >= 0.8, category


@pytest.mark.parametrize("example", [e for e in CORPUS if e.secret], ids=lambda e: e.category)
def test_refusal_message_never_repeats_the_secret(example):
    codes = problems(example.text)
    assert codes
    for code in codes:
        message = MESSAGES[code]
        for word in example.text.split():
            if len(word) >= 4 and any(c.isdigit() for c in word):
                assert word not in message
        assert "Notez plutôt" in message or "Notez seulement" in message
