"""Prodigy is not on the package registry (it is sold with a licence key), so the nearest real
check is the library it is built on, used the way its recipes use it: ``Doc(vocab, words, spaces)``
from the task's ``tokens`` must give back the text exactly, ``doc.char_span`` must find every span
(explosion's relation recipes look spans up that way), and every relation end carries its tokens
(entity groups are ``COREF`` relations, as ``coref.manual`` draws them).
Our export then comes back in with everything but undecided suggestions (the export writes what
people decided when there is any) and our annotation ids.
"""
from __future__ import annotations

import json

import spacy
from spacy.tokens import Doc

from tests.clients import compare


def test_prodigy_tasks_rebuild_their_text_and_find_every_span(corpus_db, before, tmp_path):
    out = tmp_path / "tasks.jsonl"
    compare.marginalia("export", "--db", str(corpus_db), "--format", "prodigy", "--out", str(out))
    nlp = spacy.blank("en")
    spans = relations = 0
    for line in out.read_text(encoding="utf-8").splitlines():
        task = json.loads(line)
        doc = Doc(nlp.vocab, words=[t["text"] for t in task["tokens"]], spaces=[t["ws"] for t in task["tokens"]])
        assert doc.text == task["text"]
        for span in task["spans"]:
            found = doc.char_span(span["start"], span["end"])
            assert found is not None and (found.start, found.end - 1) == (span["token_start"], span["token_end"])
            spans += 1
        for rel in task.get("relations", []):
            for end in ("head_span", "child_span"):
                assert doc[rel[end]["token_start"]:rel[end]["token_end"] + 1].start_char == rel[end]["start"]
            assert rel["head"] == rel["head_span"]["token_end"] and rel["child"] == rel["child_span"]["token_end"]
            relations += 1
    gold = compare.gold_only(before)
    assert spans == compare.figures(gold)["entities"] + compare.figures(gold)["claims"]
    claimants = sum(1 for d in gold.values() for c in d["claims"] if c[3])
    links = sum(len(g[1]) - 1 for d in gold.values() for g in d["groups"])  # COREF: each mention to the next
    assert relations == compare.figures(gold)["relations"] + compare.figures(gold)["stances"] + claimants + links

    back = tmp_path / "from-prodigy.db"
    compare.marginalia("import", str(out), "--db", str(back), "--format", "prodigy")
    after = compare.content(back)
    compare.report("Prodigy (spaCy Doc from its tokens)", before, after)
    assert compare.by_offsets(after) == compare.by_offsets(gold)
