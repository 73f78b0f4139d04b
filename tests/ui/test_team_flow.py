"""A team's whole round, as a lead and two annotators do it: `assign` hands out files, each
annotator works in their own, `merge` brings them back, `agree` measures them, `stats` and the
CSV export report the time spent per document, and the reviewer adjudicates in the real window.
The commands run as separate processes, as users start them."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from annotate.model import SUGGESTED
from store import Store, work_time

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "Kalın said a ceasefire in Libya would be possible. Turkey opposes Haftar.",
    "Haftar's forces attacked Tripoli on Monday, officials said.",
    "The UAE backed Haftar, according to a report published in Geneva.",
    "Erdoğan met Putin in Moscow to discuss the Libyan truce.",
    "Egypt warned Turkey against sending troops to Libya.",
]


def cli(*argv: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_assign_annotate_merge_agree_adjudicate(qtbot, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as out:
        for i, text in enumerate(TEXTS):
            start, end = (0, text.index(" ")) if i % 2 == 0 else (None, None)
            entities = [{"id": "m1", "start": start, "end": end, "label": "PERSON", "origin": "model:builtin@1",
                         "decision": SUGGESTED}] if start is not None else []
            out.write(json.dumps({"id": f"d{i}", "text": text, "entities": entities}) + "\n")
    lead = tmp_path / "lead.db"
    cli("import", str(corpus), "--db", str(lead), "--annotator", "lead")

    # 1. assign: 40% of five documents (two) go to both annotators.
    handed = json.loads(cli("assign", "--db", str(lead), "--annotators", "ana,ben", "--overlap", "0.4",
                            "--out", str(tmp_path / "team"), "--json", "--annotator", "lead"))
    files = {a["annotator"]: Path(a["path"]) for a in handed}
    docs = {a["annotator"]: a["documents"] for a in handed}
    shared = sorted(set(docs["ana"]) & set(docs["ben"]))
    assert len(shared) == 2 and sorted(set(docs["ana"]) | set(docs["ben"])) == [f"d{i}" for i in range(5)]
    for name, path in files.items():
        with Store.open(str(path), name) as mine:
            assert sorted(mine.document_ids()) == sorted(docs[name])  # only their documents
            spans = [s for d in mine.document_ids() for s in mine.annotations(d).spans]
            assert all(s.decision == SUGGESTED and s.origin == "model:builtin@1" for s in spans)

    # 2. each annotator works in their own file: the same entities, claims that differ in type
    # on the first shared document, and minutes of active time per document.
    for name, path in files.items():
        with Store.open(str(path), name) as mine:
            for n, doc_id in enumerate(sorted(docs[name])):
                text = mine.document(doc_id).text
                for s in mine.annotations(doc_id).spans:
                    mine.accept(doc_id, s.id)
                for needle, label in (("Turkey", "GPE"), ("Haftar", "PERSON"), ("Libya", "GPE")):
                    if needle in text and not any(text[s.start:s.end] == needle for s in mine.annotations(doc_id).spans):
                        mine.add_entity(doc_id, *at(text, needle), label)
                if doc_id == shared[0]:
                    sentence = text.split(".")[0]
                    mine.add_claim(doc_id, 0, len(sentence), claim_type="prediction" if name == "ana" else "statement",
                                   checkworthy=True)
                work_time.add(mine, doc_id, 60.0 * (n + 1) + (7 if name == "ben" else 0))
                mine.set_status(doc_id, "done")

    # 3. merge brings both files back, with attribution.
    merged = tmp_path / "merged.db"
    cli("merge", str(files["ana"]), str(files["ben"]), "--into", str(merged), "--annotator", "lead")

    # 4. agree: two documents compared, every layer present; the claim types differ.
    report = json.loads(cli("agree", "--db", str(merged), "--json"))
    (pair,) = report["pairs"]
    assert pair["documents"] == 2
    assert pair["entity_label"]["observed"] == 1.0 and pair["entity_label"]["paired"] >= 2
    assert pair["claim_type"]["pairs"] == {"prediction/statement": 1}
    assert pair["checkworthy"]["pairs"] == {"true/true": 1}
    assert pair["alpha_u"]["entities"]["value"] == 1.0

    # 5. time per document, by stats and by the CSV export.
    stats = json.loads(cli("stats", "--db", str(merged), "--json"))
    times = {(t["doc_id"], t["annotator"]): t["seconds"] for t in stats["work_time"]["documents"]}
    assert times[(shared[0], "ana")] == 60.0 * (sorted(docs["ana"]).index(shared[0]) + 1)
    assert times[(shared[0], "ben")] == 60.0 * (sorted(docs["ben"]).index(shared[0]) + 1) + 7
    assert len(times) == len(docs["ana"]) + len(docs["ben"])
    assert stats["assignments"] == {"ana": {"assigned": len(docs["ana"]), "done": len(docs["ana"]), "skipped": 0},
                                    "ben": {"assigned": len(docs["ben"]), "done": len(docs["ben"]), "skipped": 0}}
    table = cli("stats", "--db", str(merged))
    assert "time ana:" in table and "assigned ben:" in table
    cli("export", "--db", str(merged), "--format", "csv", "--out", str(tmp_path / "rows.csv"))
    with open(tmp_path / "rows.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == "time"]
    assert {(r["doc_id"], r["annotator"]): float(r["seconds"]) for r in rows} == times

    # 6. adjudicate in the window: the claim's type is a difference; take ana's, then all agreed.
    from ui.adjudication import AdjudicationView
    store = Store.open(str(merged), "gold")
    view = AdjudicationView(store, shared[0], "ana", "ben")
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitActive(view):
        view.activateWindow()
    claim_row = next(i for i, r in enumerate(view.rows) if r.left and r.right and not r.agreed)
    assert "prediction" in view.list.topLevelItem(claim_row).text(1)
    assert "statement" in view.list.topLevelItem(claim_row).text(2)
    view.list.setCurrentItem(view.list.topLevelItem(claim_row))
    qtbot.keyClick(view.list, Qt.Key.Key_1)
    qtbot.keyClick(view.list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view.list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    gold = [s for s in store.annotations(shared[0]).spans if s.annotator == "gold"]
    assert [s.claim_type for s in gold if s.layer == "claim"] == ["prediction"]
    assert all(r.agreed is False or r.left.in_gold for r in view.rows)
    assert store.status(shared[0])[0] == "done"
    store.close()
