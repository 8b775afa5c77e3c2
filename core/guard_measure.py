"""Measure the secret guard on a labelled corpus (``python manage.py mesurer_garde``).

The corpus format (tests/core/corpus_garde.txt): sections « ## secret:<catégorie> » and
« ## ok:<catégorie> », one example a line, « # » comments.
"""

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from core.text_guard import problems

DEFAULT_CORPUS = Path(settings.BASE_DIR) / "tests" / "core" / "corpus_garde.txt"


@dataclass(frozen=True)
class Example:
    secret: bool
    category: str
    text: str


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[Example]:
    examples, section = [], None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            kind, _, category = line[3:].strip().partition(":")
            if kind not in ("secret", "ok") or not category:
                raise ValueError(f"Section inconnue : {line!r}")
            section = (kind == "secret", category)
        elif line.strip() and not line.startswith("#"):
            if section is None:
                raise ValueError("Exemple avant la première section.")
            examples.append(Example(section[0], section[1], line.strip()))
    return examples


@dataclass
class Result:
    true_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    false_positive: int = 0
    missed: list = field(default_factory=list)
    wrongly_refused: list = field(default_factory=list)
    per_category: dict = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_negative)

    @property
    def false_positive_rate(self) -> float:
        return self.false_positive / max(1, self.false_positive + self.true_negative)


def measure(examples: list[Example]) -> Result:
    result = Result()
    for example in examples:
        refused = bool(problems(example.text))
        caught, total = result.per_category.get((example.secret, example.category), (0, 0))
        result.per_category[(example.secret, example.category)] = (caught + refused, total + 1)
        if example.secret and refused:
            result.true_positive += 1
        elif example.secret:
            result.false_negative += 1
            result.missed.append(example)
        elif refused:
            result.false_positive += 1
            result.wrongly_refused.append(example)
        else:
            result.true_negative += 1
    return result


def time_per_note(texts: list[str], rounds: int = 20) -> tuple[float, float]:
    """Median and p95 CPU time of one ``problems()`` call, in microseconds, over ``rounds`` passes.

    CPU time of this thread (not wall time), so that other processes sharing the machine do not
    count; each text is made unique per pass so that no cache helps."""
    samples = []
    for round_number in range(rounds):
        for text in texts:
            unique = text + " " * (round_number % 3) + "." * (round_number // 3 % 2)
            start = time.thread_time_ns()
            problems(unique)
            samples.append((time.thread_time_ns() - start) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]
