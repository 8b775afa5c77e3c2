"""Print the secret guard's confusion matrix on the written corpus, per category, and its speed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.guard_measure import DEFAULT_CORPUS, load_corpus, measure, time_per_note


class Command(BaseCommand):
    help = "Matrice de confusion de la garde des textes libres sur le corpus (tests/core/corpus_garde.txt)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="Fichier du corpus.")
        parser.add_argument("--rounds", type=int, default=20, help="Passes pour mesurer le temps.")
        parser.add_argument("--details", action="store_true", help="Lister les exemples mal classés.")

    def handle(self, *args, corpus, rounds, details, **options):
        path = Path(corpus)
        if not path.exists():
            raise CommandError(f"Corpus introuvable : {path}")
        examples = load_corpus(path)
        result = measure(examples)
        secrets = result.true_positive + result.false_negative
        legit = result.true_negative + result.false_positive
        out = self.stdout.write
        out(f"Corpus : {len(examples)} exemples ({secrets} secrets, {legit} notes légitimes)\n")
        out("                      refusé   accepté")
        out(f"  secret            {result.true_positive:7d}   {result.false_negative:7d}")
        out(f"  note légitime     {result.false_positive:7d}   {result.true_negative:7d}\n")
        out(f"Rappel (secrets refusés)        : {result.recall:.1%}  (objectif ≥ 97 %)")
        out(f"Faux positifs (notes refusées)  : {result.false_positive_rate:.1%}  (objectif ≤ 2 %)\n")
        out("Par catégorie (refusés / total) :")
        for (secret, category), (caught, total) in sorted(result.per_category.items()):
            kind = "secret" if secret else "ok    "
            out(f"  {kind} {category:32s} {caught:3d} / {total:3d}")
        if details or result.missed or result.wrongly_refused:
            for example in result.missed:
                out(f"  MANQUÉ  [{example.category}] {example.text}")
            for example in result.wrongly_refused:
                out(f"  REFUSÉ  [{example.category}] {example.text}")
        median, p95 = time_per_note([e.text for e in examples], rounds=rounds)
        out(f"\nTemps par exemple du corpus ({rounds} passes) : médiane {median:.0f} µs, p95 {p95:.0f} µs")
        # A typical note: three or four desk sentences (≈ 200 characters); the longest allowed: 500.
        legit = [e.text for e in examples if not e.secret]
        typical = [". ".join(legit[i : i + 4])[:300] for i in range(0, len(legit) - 4, 4)]
        longest = [(". ".join(legit[i : i + 12]))[:500] for i in range(0, len(legit) - 12, 12)]
        for label, texts in (("note typique (≈ 200 car.)", typical), ("note de 500 caractères", longest)):
            median, p95 = time_per_note(texts, rounds=rounds)
            out(f"Temps par {label} : médiane {median:.0f} µs, p95 {p95:.0f} µs")
