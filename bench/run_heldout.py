"""Entity precision, recall and F1 of the builtin pre-annotator on news it was not written on.

    python3 bench/run_heldout.py [--model builtin|PATH]

``tests/fixtures/heldout_news.txt``: five short news articles written for this check (invented
people, companies, parties, clubs and armed groups; real places), with gold annotated inline before
the organisation rules of builtin v2 were written. Those rules were written on
``tests/fixtures/dev_news.txt`` only, which is scored too, to show how far the rules fit what they
were written on. (Quality, not speed: the figures are exact and the same on every machine.)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.evaluation import format_table, marked_documents, scores_to_dict, span_scores  # noqa: E402
from annotate.preannotate import load_annotator  # noqa: E402
from annotate.schema import default_schema  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def score(annotator, path: Path) -> dict:
    gold, predicted = [], []
    for k, (text, spans) in enumerate(marked_documents(path.read_text(encoding="utf-8"))):
        # Offsets of document k shifted into a range of its own, so one table covers them all.
        shift = k * 10_000_000
        gold += [(s + shift, e + shift, label) for s, e, label in spans]
        predicted += [(s.start + shift, s.end + shift, s.label)
                      for s in annotator.suggestions(annotator.nlp(text), f"d{k}").spans if s.layer == "entity"]
    return scores_to_dict(span_scores(gold, predicted))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="builtin")
    args = parser.parse_args()
    annotator = load_annotator(args.model, default_schema())
    for name in ("heldout_news.txt", "dev_news.txt"):
        print(f"{annotator.origin} on {name}\n{format_table(score(annotator, FIXTURES / name))}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
