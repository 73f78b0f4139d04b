"""Planning who annotates which document: every document to one annotator, and a chosen share
of them (the overlap) to several, so that agreement can be measured on those.

Deterministic for a seed. Overlap documents go to the combinations of annotators in turn, so
every pair gets a share of them (pairwise agreement needs documents both did); the others go
one by one to whoever has the least work so far, so loads differ by one document at most.
"""
from __future__ import annotations

import random
from itertools import combinations

from .errors import InputError


def plan_assignment(doc_ids: list[str], annotators: list[str], *, overlap: float, copies: int = 2,
                    seed: int = 0) -> dict[str, list[str]]:
    """annotator -> the document ids they get, in the order given."""
    names = [a.strip() for a in annotators]
    if not names or any(not a for a in names):
        raise InputError("name at least one annotator (--annotators ana,ben,...)")
    if len(set(names)) != len(names):
        raise InputError(f"an annotator is named twice: {', '.join(names)}")
    if not 0 <= overlap <= 1:
        raise InputError(f"--overlap is a share of the documents, from 0 to 1 (0.2 for 20%), not {overlap}")
    if overlap > 0 and not 2 <= copies <= len(names):
        raise InputError(f"--copies must be from 2 to the number of annotators ({len(names)}) for overlap, not {copies}")
    order = list(doc_ids)
    random.Random(seed).shuffle(order)
    n_overlap = round(overlap * len(order)) if len(names) > 1 else 0
    load = {a: 0 for a in names}
    chosen: dict[str, set[str]] = {a: set() for a in names}
    groups = list(combinations(names, copies)) if n_overlap else []
    for i, doc_id in enumerate(order[:n_overlap]):
        for annotator in groups[i % len(groups)]:
            chosen[annotator].add(doc_id)
            load[annotator] += 1
    for doc_id in order[n_overlap:]:
        annotator = min(names, key=lambda a: (load[a], names.index(a)))
        chosen[annotator].add(doc_id)
        load[annotator] += 1
    return {a: [d for d in doc_ids if d in chosen[a]] for a in names}
