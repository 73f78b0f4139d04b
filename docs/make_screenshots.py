"""Build a demo database from the sample article and render the README's screenshots.

    python3 docs/make_screenshots.py

It pre-annotates with the builtin model, reviews part of it and records the worked example's
claims, stances and relations through the same store API the window uses, then calls
``marginalia screenshot`` for the light, dark, arcs, nesting and actors views (label tags on).
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
        # Nested entities: a ministry (ORG) whose first word is a nationality (NORP).
        entity(store, doc, text, "Russian Foreign Ministry", "ORG")
        entity(store, doc, text, "Russian", "NORP", "Russian Foreign Ministry")
        entity(store, doc, text, "Middle East", "LOC")
        # Selected below it, so the view scrolls there and the nested pair shows unselected.
        below = text.index("Libya", text.index("A four-way meeting"))
        beyond = next(s.id for s in store.annotations(doc).spans if s.start == below and s.layer == "entity")
        # The Actors tab on Kalın: his name, surname and the description the builtin grouped with
        # them, each mention with the words after it, then his claims and stances.
        first_kalin = text.index("İbrahim Kalın")
        kalin_mention = next(s.id for s in store.annotations(doc).spans
                             if s.start == first_kalin and s.layer == "entity" and s.decision != "rejected")
    out = ROOT / "docs"
    for name, extra in (("window-light.png", []), ("window-dark.png", ["--theme", "dark"]),
                        ("window-arcs.png", ["--arcs"]), ("window-nesting.png", ["--select", beyond]),
                        ("window-actors.png", ["--tab", "Actors", "--select", kalin_mention])):
        subprocess.run([sys.executable, str(ROOT / "main.py"), "screenshot", "--db", str(db), "--user", "ana",
                        "--out", str(out / name), *extra], check=True)
    team_screenshots(folder, out)
    print(f"screenshots in {out}; demo database {db}")


def team_screenshots(folder: Path, out: Path) -> None:
    """Two annotators review the same pre-annotated article differently; merge; adjudicate."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import random

    from store.merge import merge_databases
    from store.suggestions import run_preannotation
    sources = []
    for name, seed in (("ana", 1), ("ben", 2)):
        path = folder / f"{name}.db"
        with Store.open(str(path), name) as store:
            seed_if_empty(store)
            doc = store.document_ids()[0]
            if not any(s.decision == "suggested" for s in store.annotations(doc).spans):
                run_preannotation(store, load_annotator("builtin", store.schema))
            rng = random.Random(seed)
            for span in store.annotations(doc).spans:
                if span.decision != "suggested":
                    continue
                roll = rng.random()
                if roll < 0.8:
                    store.accept(doc, span.id)
                elif roll < 0.9 and span.layer == "entity":
                    store.correct(doc, span.id, label="ORG" if span.label != "ORG" else "NORP")
                else:
                    store.reject(doc, span.id)
            store.set_status(doc, "done")
        sources.append(path)
    team = folder / "team.db"
    merge_databases(sources, team, "reviewer")
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication([])
    from ui.adjudication import AdjudicationView
    from ui.dashboard import Dashboard
    with Store.open(str(team), "gold") as store:
        doc = store.document_ids()[0]
        view = AdjudicationView(store, doc, "ana", "ben")
        view.show()
        view.take_all_agreed()
        differing = next(i for i, row in enumerate(view.rows) if not row.agreed)
        view.list.setCurrentItem(view.list.topLevelItem(differing))
        app.processEvents()
        view.grab().save(str(out / "adjudication.png"))
        dashboard = Dashboard(store)
        dashboard.show()
        app.processEvents()
        dashboard.save_png(out / "dashboard.png")


if __name__ == "__main__":
    main()
