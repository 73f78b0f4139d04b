"""Settling the gold: copying an annotator's annotation into the reviewer's own version.

The reviewer works under their own annotator name (e.g. "gold"); taking an annotation copies
it, and for a relation or stance also the spans at its ends when the gold does not have them
yet, as one audited, undoable action. The copy records where it came from.

Taking an entity group copies its mentions and puts the copies in one gold group; a copy that
already belongs to a gold group brings that group along (the groups merge, as the window's merge
of two mentions does), and a copy that was in a model's undecided group leaves it.
"""
from __future__ import annotations

import json

from annotate.adjudication import LABEL_PREFIX, span_key
from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.model import HUMAN_DECISIONS, MANUAL, Cluster

from .apply import fetch_row
from .rows import cluster_row, dict_rows as _dict_rows, dumps, new_id as _new_id, now, span_from_row
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
        # Spans copied by this action: their rows, which the gold groups may still place in a group.
        made: dict[str, dict] = {}
        groups = _GoldGroups(store, conn, doc_id, at, made)

        def gold_copy(span_row: dict) -> str:
            key = _key(span_row)
            if key in gold_spans:
                return gold_spans[key]
            new_id = _new_id("e" if span_row["layer"] == "entity" else "c")
            # The source's attrs stay (a discontinuous span's pieces, brat attributes and notes).
            attrs = dict(json.loads(span_row["attrs"] or "{}"), adjudicated_from=span_row["id"],
                         from_annotator=span_row["annotator"])
            # The copy belongs to no group until a group is taken (see _GoldGroups).
            copy = dict(span_row, id=new_id, annotator=store.annotator, decision=MANUAL, origin=store.annotator,
                        score=None, replaces=None, claimant=None, created_at=at, updated_at=at, attrs=dumps(attrs),
                        cluster=None)
            if span_row["claimant"]:
                claimant = fetch_row(conn, "spans", (doc_id, span_row["claimant"]))
                if claimant is not None:
                    copy["claimant"] = gold_copy(claimant)
            rows.append(RowChange("spans", (doc_id, new_id), None, copy))
            made[new_id] = copy
            gold_spans[key] = new_id
            return new_id

        def take_one(annotation_id: str) -> None:
            if annotation_id.startswith(LABEL_PREFIX):
                take_label_row(annotation_id.removeprefix(LABEL_PREFIX))
                return
            for table in ("spans", "relations", "stances", "clusters"):
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
            if table == "clusters":
                mentions = _dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? AND cluster = ? AND decision IN "
                                            "('accepted', 'manual') ORDER BY start, \"end\", id", [doc_id, annotation_id])
                if len(mentions) < 2:
                    raise ValidationError(f"entity group {annotation_id!r} has fewer than two decided mentions")
                groups.join([gold_copy(m) for m in mentions])
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
        return rows + groups.rows()

    return store._act(action, doc_id, plan)


class _GoldGroups:
    """The reviewer's entity groups as one take action changes them.

    Taking a group joins the gold copies of its mentions in one gold group: the first gold group of
    the reviewer's that one of them already belongs to, or a new one. Other gold groups of the
    reviewer's that the copies belong to merge into it. A copy in anyone else's group (a model's
    undecided one, say) leaves that group, which goes when fewer than two mentions are left (by the
    rule of store/clusters.py). The rows are planned at the end, once per span, so taking several
    groups in one action (take all agreed) changes each row once.
    """

    def __init__(self, store: Store, conn, doc_id: str, at: str, made: dict[str, dict]):
        self.store, self.conn, self.doc_id, self.at, self.made = store, conn, doc_id, at, made
        self.placed: dict[str, str | None] = {}  # span id -> its group after this action
        self.new: dict[str, dict] = {}  # groups this action makes: id -> row
        self.retired: list[str] = []

    def _group_of(self, span_id: str) -> str | None:
        if span_id in self.placed:
            return self.placed[span_id]
        row = self.made.get(span_id) or fetch_row(self.conn, "spans", (self.doc_id, span_id))
        return row["cluster"]

    def _reviewers(self, group: str) -> bool:
        if group in self.new:
            return True
        row = fetch_row(self.conn, "clusters", (self.doc_id, group))
        return row is not None and row["annotator"] == self.store.annotator and row["decision"] in HUMAN_DECISIONS

    def _members(self, group: str) -> list[str]:
        stored = [r[0] for r in self.conn.execute("SELECT id FROM spans WHERE doc_id = ? AND cluster = ? AND "
                                                  "decision != 'rejected'", [self.doc_id, group])]
        return list(dict.fromkeys([s for s in stored if s not in self.placed]
                                  + [s for s, g in self.placed.items() if g == group]))

    def join(self, copies: list[str]) -> None:
        current = [g for g in dict.fromkeys(map(self._group_of, copies)) if g is not None]
        mine = [g for g in current if self._reviewers(g)]
        if mine:
            target = mine[0]
        else:
            target = _new_id("g")
            cluster = Cluster(target, self.store.annotator, MANUAL, self.store.annotator)
            self.new[target] = cluster_row(self.doc_id, cluster, self.at)
        for other in mine[1:]:
            for span_id in self._members(other):
                self.placed[span_id] = target
            self._retire(other)
        for span_id in copies:
            self.placed[span_id] = target
        for left in (g for g in current if g not in mine):
            rest = self._members(left)
            if len(rest) < 2:  # one mention is no group
                for span_id in rest:
                    self.placed[span_id] = None
                self._retire(left)

    def _retire(self, group: str) -> None:
        if self.new.pop(group, None) is None:
            self.retired.append(group)

    def rows(self) -> list[RowChange]:
        out: list[RowChange] = []
        for span_id, group in self.placed.items():
            if span_id in self.made:
                self.made[span_id]["cluster"] = group  # a copy of this action: its row is not written yet
                continue
            before = fetch_row(self.conn, "spans", (self.doc_id, span_id))
            if before["cluster"] != group:
                out.append(RowChange("spans", (self.doc_id, span_id), before,
                                     {**before, "cluster": group, "updated_at": self.at}))
        for group in self.retired:
            out += self.store.clusters._retire_rows(self.conn, self.doc_id, group, self.at)
        out += [RowChange("clusters", (self.doc_id, group), None, row) for group, row in self.new.items()]
        return out


def labels_by_annotator(store: Store, doc_id: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for annotator, label in store.conn.execute("SELECT annotator, label FROM doc_labels WHERE doc_id = ?", [doc_id]):
        out.setdefault(annotator, set()).add(label)
    return out
