"""Build a demo database from the sample article and render the README's screenshots.

    python3 docs/make_screenshots.py

It pre-annotates with the builtin model, reviews part of it and records the worked example's
claims, stances and relations through the same store API the window uses, then calls
``marginalia screenshot`` for the light, dark and arcs views.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.preannotate import load_annotator  # noqa: E402
from store import Store  # noqa: E402
from store.seeding import seed_if_empty  # noqa: E402


def entity(store, doc, text, needle, label, after=None):
    start = text.index(needle, text.index(after) if after else 0)
    end = start + len(needle)
    for span in store.annotations(doc).spans:
        if (span.start, span.end, span.layer) == (start, end, "entity"):
            if span.decision == "suggested":
                store.accept(doc, span.id) if span.label == label else store.correct(doc, span.id, label=label)
                span = next(s for s in store.annotations(doc).spans
                            if (s.start, s.end) == (start, end) and s.decision != "rejected")
            return span.id
    return store.add_entity(doc, start, end, label).created[0]


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    db = folder / "demo.db"
    with Store.open(str(db), "ana") as store:
        seed_if_empty(store)
        doc = store.document_ids()[0]
        text = store.document(doc).text
        if not any(s.decision == "suggested" for s in store.annotations(doc).spans):
            from store.suggestions import run_preannotation
            run_preannotation(store, load_annotator("builtin", store.schema))
        kalin = entity(store, doc, text, "Kalın", "PERSON", "Kalın said a ceasefire")
        claim = "a ceasefire in Libya would be possible if everybody went back to their positions in 2015"
        start = text.index(claim)
        store.add_claim(doc, start, start + len(claim), claimant=kalin, claim_type="prediction", checkworthy=True)
        turkey = entity(store, doc, text, "Turkey", "GPE", "Turkey and Russia have")
        haftar = entity(store, doc, text, "Haftar", "PERSON", "from Haftar")
        store.add_stance(doc, turkey, haftar, "AGAINST")
        cavusoglu = entity(store, doc, text, "Mevlüt Çavuşoğlu", "PERSON")
        store.add_relation(doc, cavusoglu, turkey, "ROLE_IN")
        lavrov = entity(store, doc, text, "Sergei Lavrov", "PERSON")
        russia = entity(store, doc, text, "Russia", "GPE", "Turkey and Russia have")
        store.add_relation(doc, lavrov, russia, "ROLE_IN")
        store.add_relation(doc, turkey, russia, "NEGOTIATES_WITH")
        store.add_stance(doc, russia, turkey, "NEUTRAL")
    out = ROOT / "docs"
    for name, extra in (("window-light.png", []), ("window-dark.png", ["--theme", "dark"]),
                        ("window-arcs.png", ["--arcs"])):
        subprocess.run([sys.executable, str(ROOT / "main.py"), "screenshot", "--db", str(db), "--annotator", "ana",
                        "--out", str(out / name), *extra], check=True)
    print(f"screenshots in {out}; demo database {db}")


if __name__ == "__main__":
    main()
