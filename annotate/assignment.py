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
from .formats.common import _DEVICE_NAMES as DEVICE_NAMES
from .people import checked_person


def plan_assignment(doc_ids: list[str], annotators: list[str], *, overlap: float, copies: int = 2,
                    seed: int = 0) -> dict[str, list[str]]:
    """annotator -> the document ids they get, in the order given."""
    if not annotators or all(not a.strip() for a in annotators):
        raise InputError("name at least one annotator (--annotators ana,ben,...)")
    names = [checked_person(a, "--annotators") for a in annotators]
    # Each name becomes a file, NAME.db, that the team copies between machines: names one file
    # system would take for one (ana and ANA on macOS and Windows) are one name.
    seen: dict[str, str] = {}
    for name in names:
        if name in seen.values():
            raise InputError(f"--annotators: {name!r} is named twice")
        if name.casefold() in seen:
            raise InputError(f"--annotators: {seen[name.casefold()]!r} and {name!r} are one name (the files "
                             f"{seen[name.casefold()]}.db and {name}.db are one file on macOS and Windows)")
        seen[name.casefold()] = name
        if any(c in name for c in '/\\:*?"<>|') or name.startswith(".") or name.endswith((".", " ")) or \
                name.split(".")[0].upper() in DEVICE_NAMES or len(name.encode("utf-8")) > 200:
            raise InputError(f"--annotators: the name {name!r} cannot name a file ({name}.db) on every system: "
                             "no / \\ : * ? \" < > |, no dot first or last, not a device name such as CON or NUL")
    if not 0 <= overlap <= 1:
        raise InputError(f"--overlap is a share of the documents, from 0 to 1 (0.2 for 20%), not {overlap}")
    # One annotator gets every document: there is no one to overlap with, so the default overlap
    # does not stand in the way (it was refused as '--copies must be from 2 to ... (1)').
    if overlap > 0 and len(names) > 1 and not 2 <= copies <= len(names):
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
