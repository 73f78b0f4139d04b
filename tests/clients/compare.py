"""What a database holds, in a form two databases can be compared by: per document, the
annotations with everything each one carries, and the figures (counts) the README reports."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANNOTATOR = "ann"


def marginalia(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The real command, in a process of its own, as a user runs it."""
    env = {**os.environ, "MARGINALIA_ANNOTATOR": ANNOTATOR}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env, capture_output=True,
                            text=True, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"marginalia {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def content(db: Path) -> dict[str, dict]:
    """doc id -> its text, meta title, labels, status and annotations (ids, offsets, labels, claim
    details, stance ends, polarity and evidence, relation ends and label, entity groups with their
    mentions, decision, annotator)."""
    from store import Store
    out: dict[str, dict] = {}
    with Store.open(str(db), ANNOTATOR, create=False) as store:
        for item in store.iter_annotated():
            ann = item.annotations
            out[item.document.id] = {
                "text": item.document.text,
                "labels": sorted(ann.labels),
                "status": ann.status,
                "entities": sorted((s.id, s.start, s.end, s.label, s.decision, s.annotator)
                                   for s in ann.spans if s.layer == "entity"),
                "claims": sorted((s.id, s.start, s.end, s.claimant, s.claimant_text, s.claim_type, s.checkworthy,
                                  s.decision, s.annotator) for s in ann.spans if s.layer == "claim"),
                "stances": sorted((s.holder, s.target, s.polarity, s.evidence, s.decision, s.annotator)
                                  for s in ann.stances),
                "relations": sorted((r.head, r.tail, r.label, r.decision, r.annotator) for r in ann.relations),
                "groups": sorted((c.id, tuple(sorted(m.id for m in ann.members(c.id))), c.decision, c.annotator)
                                 for c in ann.clusters),
            }
    return out


def figures(docs: dict[str, dict]) -> dict[str, int]:
    return {"documents": len(docs), **{key: sum(len(d[key]) for d in docs.values())
                                       for key in ("entities", "claims", "stances", "relations", "groups")}}


def gold_only(docs: dict[str, dict]) -> dict[str, dict]:
    """Without undecided suggestions: what the training-data formats write (a group decided by a
    person, of its mentions that are decided too)."""
    out = {}
    for doc_id, doc in docs.items():
        entities = [e for e in doc["entities"] if e[4] != "suggested"]
        kept = {e[0] for e in entities}
        groups = [(g[0], tuple(m for m in g[1] if m in kept), *g[2:]) for g in doc["groups"] if g[2] != "suggested"]
        out[doc_id] = {**doc, "entities": entities, "groups": [g for g in groups if len(g[1]) >= 2]}
    return out


def report(name: str, before: dict, after: dict) -> str:
    b, a = figures(before), figures(after)
    line = f"{name}: " + ", ".join(f"{k} {b[k]} -> {a[k]}" for k in b)
    print(line)
    figures_file = os.environ.get("MARGINALIA_CLIENT_FIGURES")
    if figures_file:
        with open(figures_file, "a", encoding="utf-8") as out:
            out.write(line + "\n")
    return line


def by_offsets(docs: dict[str, dict], *, status: bool = True) -> dict[str, dict]:
    """The same content with every annotation id replaced by what it is (layer, offsets, label):
    for formats that number annotations their own way (brat's T1, R1; doccano's database ids).
    ``status=False`` drops the document status, for formats that have none."""
    out = {}
    for doc_id, doc in docs.items():
        key = {e[0]: ("entity", e[1], e[2], e[3]) for e in doc["entities"]}
        key.update({c[0]: ("claim", c[1], c[2]) for c in doc["claims"]})
        ref = key.get
        out[doc_id] = {
            "text": doc["text"], "labels": doc["labels"], **({"status": doc["status"]} if status else {}),
            "entities": sorted((e[1], e[2], e[3]) for e in doc["entities"]),
            "claims": sorted((c[1], c[2], ref(c[3]), c[4], c[5], c[6]) for c in doc["claims"]),
            "stances": sorted((ref(s[0]), ref(s[1]), s[2], ref(s[3])) for s in doc["stances"]),
            "relations": sorted((ref(r[0]), ref(r[1]), r[2]) for r in doc["relations"]),
            "groups": sorted(tuple(sorted(ref(m) for m in g[1])) for g in doc["groups"]),
        }
    return out


def without(docs: dict[str, dict], *keys: str) -> dict[str, dict]:
    """The content without what a format cannot hold (``labels``: document labels; ``status``)."""
    empty = {"labels": [], "status": "new"}
    return {doc_id: {**doc, **{k: empty[k] for k in keys}} for doc_id, doc in docs.items()}
