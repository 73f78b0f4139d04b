"""Entities as actors: grouping mentions (coreference), merging and splitting groups.

Reached through ``Store`` (``store.clusters.merge``...). A mention's group is its span's
``cluster`` column; the group's row in ``clusters`` records who proposed it and who decided
about it. Accepting and rejecting a group are decisions like any other (``store.accept``,
``store.reject``: see ``decisions.py``); rejecting one takes its mentions out of it.

Every change here is one audited, undoable action. Because the column has no foreign key, each
action keeps the two tables consistent itself: a group left with no mention goes (a model's
suggestion is kept as rejected, data about the model; a person's group is deleted), and a
group of one mention is no group.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from annotate.changes import Changes, RowChange
from annotate.errors import ValidationError
from annotate.model import ENTITY, MANUAL, REJECTED, SUGGESTED, Cluster

from .apply import fetch_row
from .rows import cluster_row, dict_rows, new_id, now

if TYPE_CHECKING:
    from .store import Store


def retire_rows(conn, doc_id: str, cluster_id: str, annotator: str, at: str) -> list[RowChange]:
    """A group with no mention left: a model's is kept as rejected (decided by ``annotator``), a
    person's is deleted."""
    before = fetch_row(conn, "clusters", (doc_id, cluster_id))
    if before is None:
        return []
    if before["decision"] == SUGGESTED:
        return [RowChange("clusters", (doc_id, cluster_id), before,
                          {**before, "decision": REJECTED, "annotator": annotator, "updated_at": at})]
    return [RowChange("clusters", (doc_id, cluster_id), before, None)]


class Clusters:
    def __init__(self, store: "Store"):
        self.store = store

    def members(self, conn, doc_id: str, cluster_id: str) -> list[dict]:
        return dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? AND cluster = ? AND decision != 'rejected' "
                               "ORDER BY start", [doc_id, cluster_id])

    def _mention(self, conn, doc_id: str, span_id: str) -> dict:
        row = self.store.spans.row(conn, doc_id, span_id)
        if row["layer"] != ENTITY:
            raise ValidationError(f"{span_id!r} is a claim; only entities are mentions of an actor")
        return row

    def merge(self, doc_id: str, first: str, second: str) -> Changes:
        """Put two mentions, with everything grouped with either, in one entity.

        The first mention's group stays (or a new one is made when neither has one); the
        second's members join it, and its row goes (see the module's rule).
        """
        store = self.store

        def plan(conn):
            a, b = self._mention(conn, doc_id, first), self._mention(conn, doc_id, second)
            if first == second:
                raise ValidationError("pick two different mentions to merge")
            at = now()
            rows: list[RowChange] = []
            target = a["cluster"] or b["cluster"]
            if target is None:
                cluster = Cluster(new_id("g"), store.annotator, MANUAL, store.annotator)
                target = cluster.id
                rows.append(RowChange("clusters", (doc_id, target), None, cluster_row(doc_id, cluster, at)))
            elif a["cluster"] == b["cluster"]:
                return []
            moving = [a, b]
            for other in {a["cluster"], b["cluster"]} - {target, None}:
                moving += self.members(conn, doc_id, other)
                rows += self._retire_rows(conn, doc_id, other, at)
            seen = set()
            for member in moving:
                if member["id"] in seen or member["cluster"] == target:
                    continue
                seen.add(member["id"])
                rows.append(RowChange("spans", (doc_id, member["id"]), member,
                                      {**member, "cluster": target, "updated_at": at}))
            return rows

        return store._act("merge entities", doc_id, plan)

    def split(self, doc_id: str, span_id: str) -> Changes:
        """Take one mention out of its entity (it then stands alone; so does the last one left)."""
        def plan(conn):
            row = self._mention(conn, doc_id, span_id)
            if row["cluster"] is None:
                raise ValidationError("this mention belongs to no entity group")
            at = now()
            rows = [RowChange("spans", (doc_id, span_id), row, {**row, "cluster": None, "updated_at": at})]
            rest = [m for m in self.members(conn, doc_id, row["cluster"]) if m["id"] != span_id]
            if len(rest) < 2:
                # One mention is no group: it stands alone too, and the group goes.
                rows += [RowChange("spans", (doc_id, m["id"]), m, {**m, "cluster": None, "updated_at": at})
                         for m in rest]
                rows += self._retire_rows(conn, doc_id, row["cluster"], at)
            return rows

        return self.store._act("split entity", doc_id, plan)

    def _retire_rows(self, conn, doc_id: str, cluster_id: str, at: str) -> list[RowChange]:
        return retire_rows(conn, doc_id, cluster_id, self.store.annotator, at)

    def release_rows(self, conn, doc_id: str, cluster_id: str, at: str) -> list[RowChange]:
        """The mentions of a rejected group stand alone again."""
        return [RowChange("spans", (doc_id, m["id"]), m, {**m, "cluster": None, "updated_at": at})
                for m in dict_rows(conn, "SELECT * FROM spans WHERE doc_id = ? AND cluster = ?", [doc_id, cluster_id])]

    def of_span(self, doc_id: str, span_id: str) -> str | None:
        row = self.store.conn.execute("SELECT cluster FROM spans WHERE doc_id = ? AND id = ?",
                                      [doc_id, span_id]).fetchone()
        return row[0] if row else None
