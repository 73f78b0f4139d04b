"""The corpus every client test exports: the traps real articles bring, in a few documents.

CRLF line ends, an emoji with a skin tone and a flag (non-BMP, several code points), combining
marks, NBSP, overlapping and nested entities, an entity that crosses a line break, claims with
an entity claimant and with a free-text claimant, stances with and without evidence, relations,
document labels, and undecided model suggestions beside the gold. Entity groups: two of two
mentions, one of them a stance holder and a relation's end; one of three mentions; one whose
first mention crosses a line break; and a model's undecided group over its own suggestions.
"""
from __future__ import annotations

import json
from pathlib import Path

TEXTS = {
    "traps": ("Erdoğan\u00a0met 👍🏽 Putin in İstanbul 🇹🇷.\r\n"
              "Cafe\u0301 owners said: \u201cthe talks will fail\u201d.\r\n"
              "Haftar, backed by the UAE, refused.\r\nThe 🇦🇪 Emirates denied it; Erdoğan\u00a0did not."),
    "line-break": ("The United\r\nNations envoy met officials of New York City in Tripoli on Monday.\n\n"
                   "Ghassan Salamé said the ceasefire \u201cwill hold until the spring\u201d, a claim others doubt.\n\n"
                   "The UN envoy Salamé left; Salamé will return."),
    "marks": ("Zo\u0308e Nguye\u0302\u0303n of the Ca\u0300 Mau council (🇻🇳) said prices rose 5\u00a0%.\n"
              "Officials in Ha\u0300 No\u0323i disagreed:  \u201cprices are stable\u201d.  👩\u200d👩\u200d👧 families wait.\n"
              "Zo\u0308e Nguye\u0302\u0303n left; Nguye\u0302\u0303n will be back."),
}


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _entity(doc: str, eid: str, needle: str, label: str, nth: int = 0, **more) -> dict:
    start, end = _at(TEXTS[doc], needle, nth)
    return {"id": eid, "start": start, "end": end, "label": label, "origin": "", "decision": "manual",
            "annotator": "ann", **more}


def _claim(doc: str, cid: str, needle: str, **more) -> dict:
    start, end = _at(TEXTS[doc], needle)
    return {"id": cid, "start": start, "end": end, "origin": "", "decision": "manual", "annotator": "ann", **more}


def records() -> list[dict]:
    gold = dict(origin="", decision="manual", annotator="ann")
    model = dict(origin="model:builtin@1", decision="suggested", annotator=None)
    traps = {
        "id": "traps", "text": TEXTS["traps"], "meta": {"title": "Traps", "source": "wire"},
        "entities": [_entity("traps", "e1", "Erdoğan", "PERSON", cluster="g1"),
                     _entity("traps", "e2", "Putin", "PERSON"),
                     _entity("traps", "e3", "İstanbul", "GPE"), _entity("traps", "e4", "Cafe\u0301 owners", "NORP"),
                     _entity("traps", "e5", "Haftar", "PERSON"), _entity("traps", "e6", "UAE", "GPE", cluster="g2"),
                     _entity("traps", "e7", "🇹🇷", "GPE"),
                     _entity("traps", "e8", "Erdoğan\u00a0met", "EVENT", origin="model:builtin@1", decision="suggested",
                             annotator=None, score=0.25),
                     _entity("traps", "e9", "Emirates", "GPE", cluster="g2"),
                     _entity("traps", "e10", "Erdoğan", "PERSON", 1, cluster="g1")],
        "claims": [_claim("traps", "c1", "\u201cthe talks will fail\u201d", claimant="e4", type="prediction",
                          checkworthy=True)],
        "stances": [{"id": "s1", "holder": "e5", "target": "c1", "polarity": "AGAINST", "evidence": None, **gold},
                    {"id": "s2", "holder": "e6", "target": "e5", "polarity": "FAVOR", "evidence": "c1", **gold}],
        "relations": [{"id": "r1", "head": "e5", "tail": "e6", "label": "BACKED_BY", **gold}],
        "clusters": [{"id": "g1", **gold}, {"id": "g2", **gold}],
        "labels": ["politics"], "status": "done",
    }
    line_break = {
        "id": "line-break", "text": TEXTS["line-break"], "meta": {"title": "Envoy"},
        "entities": [_entity("line-break", "e1", "United\r\nNations", "ORG", cluster="g1"),
                     _entity("line-break", "e2", "New York City", "GPE"),
                     _entity("line-break", "e3", "New York", "GPE"),
                     _entity("line-break", "e4", "Tripoli", "GPE"),
                     _entity("line-break", "e5", "Monday", "DATE"),
                     _entity("line-break", "e6", "Ghassan Salamé", "PERSON", cluster="g2"),
                     _entity("line-break", "e7", "UN", "ORG", cluster="g1"),
                     _entity("line-break", "e8", "Salamé", "PERSON", 1, cluster="g2"),
                     _entity("line-break", "e9", "Salamé", "PERSON", 2, cluster="g2")],
        "claims": [_claim("line-break", "c1", "\u201cwill hold until the spring\u201d", claimant="e6",
                          type="prediction", checkworthy=False),
                   _claim("line-break", "c2", "a claim others doubt", claimant=None, claimant_text="others",
                          type="opinion", checkworthy=None)],
        "stances": [{"id": "s1", "holder": "e6", "target": "c1", "polarity": "FAVOR", "evidence": None, **gold}],
        "relations": [{"id": "r1", "head": "e6", "tail": "e1", "label": "ROLE_IN", **gold},
                      {"id": "r2", "head": "e2", "tail": "e3", "label": "SAME_AS", **gold}],
        "clusters": [{"id": "g1", **gold}, {"id": "g2", **gold}],
        "labels": ["diplomacy", "conflict"], "status": "done",
    }
    marks = {
        "id": "marks", "text": TEXTS["marks"], "meta": {"title": "Prices"},
        "entities": [_entity("marks", "e1", "Zo\u0308e Nguye\u0302\u0303n", "PERSON"),
                     _entity("marks", "e2", "Ca\u0300 Mau council", "ORG"),
                     _entity("marks", "e3", "🇻🇳", "GPE"), _entity("marks", "e4", "5\u00a0%", "PERCENT"),
                     _entity("marks", "e5", "Ha\u0300 No\u0323i", "GPE"),
                     _entity("marks", "e6", "Officials in Ha\u0300 No\u0323i", "NORP"),
                     _entity("marks", "e7", "Zo\u0308e Nguye\u0302\u0303n", "PERSON", 1, cluster="g1", score=0.75,
                             **model),
                     _entity("marks", "e8", "Nguye\u0302\u0303n", "PERSON", 2, cluster="g1", score=0.5, **model)],
        "claims": [_claim("marks", "c1", "prices rose 5\u00a0%", claimant="e1", type="statement", checkworthy=True),
                   _claim("marks", "c2", "\u201cprices are stable\u201d", claimant="e6", type="statement",
                          checkworthy=True)],
        "stances": [{"id": "s1", "holder": "e6", "target": "c1", "polarity": "AGAINST", "evidence": "c2", **gold},
                    {"id": "s2", "holder": "e1", "target": "c2", "polarity": "NEUTRAL", "evidence": None, **gold}],
        "relations": [{"id": "r1", "head": "e2", "tail": "e5", "label": "LOCATED_IN", **gold}],
        "clusters": [{"id": "g1", **model, "score": 0.6}],
        "labels": ["economy"], "status": "done",
    }
    return [traps, line_break, marks]


def write_jsonl(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        for record in records():
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
