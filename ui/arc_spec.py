"""What the arc overlay draws: an arc between two code-point ranges, made from the relations and
stances of a document, and the label it carries."""
from __future__ import annotations

from dataclasses import dataclass

from annotate.arcs import RELATION, STANCE


@dataclass(frozen=True)
class ArcSpec:
    """One arc to draw: ``head`` and ``tail`` are ``(start, end)`` code-point ranges.

    ``kind`` is ``"relation"`` or ``"stance"``; a stance's ``polarity`` (FAVOR, AGAINST,
    NEUTRAL) picks its colour and, when ``label`` is empty, its label. ``head_id``/``tail_id``
    are the annotations at the ends (for ``set_only_for`` with a span id).
    """

    id: str
    head: tuple[int, int]
    tail: tuple[int, int]
    label: str
    kind: str = RELATION
    polarity: str | None = None
    head_id: str | None = None
    tail_id: str | None = None


def label_text(arc: ArcSpec) -> str:
    return arc.label or (arc.polarity or "")


def specs_from(spans: dict, relations, stances) -> list[ArcSpec]:
    """ArcSpecs for relations (head -label-> tail) and stances (holder -POLARITY-> target).

    ``spans`` maps ids to ``annotate.model.Span``; relations and stances may be lists or dicts
    of ``Relation``/``Stance``. One whose end is missing (rejected, deleted) is left out.
    """
    out: list[ArcSpec] = []
    for relation in (relations.values() if isinstance(relations, dict) else relations):
        head, tail = spans.get(relation.head), spans.get(relation.tail)
        if head is not None and tail is not None:
            out.append(ArcSpec(relation.id, (head.start, head.end), (tail.start, tail.end), relation.label,
                               RELATION, None, relation.head, relation.tail))
    for stance in (stances.values() if isinstance(stances, dict) else stances):
        holder, target = spans.get(stance.holder), spans.get(stance.target)
        if holder is not None and target is not None:
            out.append(ArcSpec(stance.id, (holder.start, holder.end), (target.start, target.end), stance.polarity,
                               STANCE, stance.polarity, stance.holder, stance.target))
    return out
