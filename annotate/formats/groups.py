"""Entity groups as relations, for the formats that have relations but no groups (Label Studio,
doccano, Prodigy).

A group is written as a chain of ``COREF`` relations, each mention to the next in reading order
(Prodigy's ``coref.manual`` recipe names its links ``COREF`` too): a group of n mentions is n - 1
links, which the client shows as arcs and lets people add or remove. Read back, mentions that
``COREF`` links join, directly or through others, are one group, however the links were drawn
(a chain, a star, every pair).
"""
from __future__ import annotations

from typing import Callable, Iterable

from ..model import ENTITY, REJECTED, Annotations, Cluster, Span

COREF = "COREF"


def chains(ann: Annotations, shown: Iterable[str], clusters: Iterable[Cluster] | None = None
           ) -> list[tuple[Cluster, list[Span]]]:
    """Each group with its mentions among ``shown`` (span ids), in reading order, when at least
    two are shown: the mentions a chain links. ``clusters``: the groups to write (default all)."""
    shown = set(shown)
    members: dict[str, list[Span]] = {}
    for span in ann.spans:
        if span.cluster is not None and span.id in shown and span.layer == ENTITY and span.decision != REJECTED:
            members.setdefault(span.cluster, []).append(span)
    out = []
    for cluster in ann.clusters if clusters is None else clusters:
        mentions = sorted(members.get(cluster.id, []), key=lambda s: (s.start, s.end, s.id))
        if len(mentions) >= 2:
            out.append((cluster, mentions))
    return out


def links(ann: Annotations, shown: Iterable[str], clusters: Iterable[Cluster] | None = None
          ) -> list[tuple[str, str]]:
    """The ``COREF`` links (mention, next mention) that write the groups among ``shown``."""
    return [(a.id, b.id) for _, mentions in chains(ann, shown, clusters) for a, b in zip(mentions, mentions[1:])]


def components(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups that links make: connected mentions, each group in the order its mentions were
    first seen, the groups in the order of their first mention."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra
    grouped: dict[str, list[str]] = {}
    for x in parent:
        grouped.setdefault(root(x), []).append(x)
    return [g for g in grouped.values() if len(g) >= 2]


def assign(spans: list[Span], pairs: Iterable[tuple[str, str]], make: Callable[[list[Span]], Cluster]
           ) -> list[Cluster]:
    """Put the mentions that ``pairs`` link into groups made by ``make`` (given the mentions in
    reading order) and return the groups."""
    by_id = {s.id: s for s in spans}
    out = []
    for group in components(pairs):
        mentions = sorted((by_id[i] for i in group), key=lambda s: (s.start, s.end, s.id))
        cluster = make(mentions)
        for span in mentions:
            span.cluster = cluster.id
        out.append(cluster)
    return out
