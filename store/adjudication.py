"""Settling the gold: copying an annotator's annotation into the reviewer's own version.

The reviewer works under their own annotator name (e.g. "gold"); taking an annotation copies
it, and for a relation or stance also the spans at its ends when the gold does not have them
yet, as one audited, undoable action. The copy records where it came from.
"""
from __future__ import annotations

import json

from annotate.adjudication import LABEL_PREFIX, span_key
from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.model import HUMAN_DECISIONS, MANUAL

from .apply import fetch_row
from .rows import dict_rows as _dict_rows, dumps, new_id as _new_id, now, span_from_row
from .store import Store


def take(store: Store, doc_id: str, *annotation_ids: str, action: str = "adjudicate: take") -> Changes:
    """Copy annotators' annotations (spans, relations, stances, and document labels as
    ``label:NAME``) into ``store.annotator``'s gold, as one action: one undo step however many
    are taken ("take all agreed")."""

    def plan(conn):
        at = now()
        rows: list[RowChange] = []
        every_span = {r["id"]: span_from_row(r) for r in _dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ?",
                                                                     [doc_id])}

        def _key(row: dict) -> tuple:
            return span_key(every_span[row["id"]], every_span)

        gold_spans = {_key(r): r["id"] for r in _dict_rows(
            conn, "SELECT * FROM spans WHERE doc_id = ? AND annotator = ? AND decision IN ('accepted', 'manual')",
            [doc_id, store.annotator])}
        # Links copied by this action, which the database does not show yet.
        gold_links: set[tuple] = set()

        def gold_copy(span_row: dict) -> str:
            key = _key(span_row)
            if key in gold_spans:
                return gold_spans[key]
            new_id = _new_id("e" if span_row["layer"] == "entity" else "c")
            # The source's attrs stay (a discontinuous span's pieces, brat attributes and notes).
            attrs = dict(json.loads(span_row["attrs"] or "{}"), adjudicated_from=span_row["id"],
                         from_annotator=span_row["annotator"])
            # (Entity groups are not adjudicated yet: the gold copy belongs to none.)
            copy = dict(span_row, id=new_id, annotator=store.annotator, decision=MANUAL, origin=store.annotator,
                        score=None, replaces=None, claimant=None, created_at=at, updated_at=at, attrs=dumps(attrs),
                        cluster=None)
            if span_row["claimant"]:
                claimant = fetch_row(conn, "spans", (doc_id, span_row["claimant"]))
                if claimant is not None:
                    copy["claimant"] = gold_copy(claimant)
            rows.append(RowChange("spans", (doc_id, new_id), None, copy))
            gold_spans[key] = new_id
            return new_id

        def take_one(annotation_id: str) -> None:
            if annotation_id.startswith(LABEL_PREFIX):
                take_label_row(annotation_id.removeprefix(LABEL_PREFIX))
                return
            for table in ("spans", "relations", "stances"):
                source = fetch_row(conn, table, (doc_id, annotation_id))
                if source is not None:
                    break
            else:
                raise ValidationError(f"document {doc_id!r} has no annotation {annotation_id!r}")
            if source["decision"] not in HUMAN_DECISIONS:
                raise ValidationError(f"{annotation_id!r} is not a decided annotation (it is {source['decision']})")
            if table == "spans":
                gold_copy(source)
                return
            ends = ("head", "tail") if table == "relations" else ("holder", "target")
            copies = {end: gold_copy(fetch_row(conn, "spans", (doc_id, source[end]))) for end in ends}
            label_column = "label" if table == "relations" else "polarity"
            same = f"SELECT 1 FROM {table} WHERE doc_id = ? AND annotator = ? AND {ends[0]} = ? AND {ends[1]} = ? " \
                   f"AND {label_column} = ?"
            args = [doc_id, store.annotator, copies[ends[0]], copies[ends[1]], source[label_column]]
            if table == "stances":
                # The evidence is part of what a stance says: the same stance with other evidence is another.
                evidence = fetch_row(conn, "spans", (doc_id, source["evidence"])) if source["evidence"] else None
                copies["evidence"] = gold_copy(evidence) if evidence else None
                same += " AND evidence IS ?"
                args.append(copies["evidence"])
            link = (table, *args[2:])
            if link in gold_links or conn.execute(same, args).fetchone():
                return
            gold_links.add(link)
            new_id = _new_id("r" if table == "relations" else "s")
            copy = dict(source, id=new_id, annotator=store.annotator, decision=MANUAL, origin=store.annotator,
                        created_at=at, updated_at=at, **copies)
            if table == "relations":
                copy["score"] = None
            rows.append(RowChange(table, (doc_id, new_id), None, copy))

        def take_label_row(label: str) -> None:
            key = (doc_id, label, store.annotator)
            if key not in gold_labels and fetch_row(conn, "doc_labels", key) is None:
                gold_labels.add(key)
                rows.append(RowChange("doc_labels", key, None, {"doc_id": doc_id, "label": label,
                                                                "annotator": store.annotator, "created_at": at}))

        gold_labels: set[tuple] = set()
        for annotation_id in annotation_ids:
            take_one(annotation_id)
        return rows

    return store._act(action, doc_id, plan)


def labels_by_annotator(store: Store, doc_id: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for annotator, label in store.conn.execute("SELECT annotator, label FROM doc_labels WHERE doc_id = ?", [doc_id]):
        out.setdefault(annotator, set()).add(label)
    return out
