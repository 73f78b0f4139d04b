"""Reading back what people decided: the gold of done documents (what training learns from) and
the fate of every model suggestion (what acceptance rates are counted from)."""
from __future__ import annotations

from annotate.model import CLAIM, ENTITY, Document, Span

from .store import Store


def gold_documents(store: Store) -> list[tuple[Document, list[Span]]]:
    """Documents this annotator marked done, with their gold spans (accepted or manual)."""
    result = []
    for item in store.iter_annotated(only_done=True):
        result.append((item.document, [s for s in item.annotations.spans if s.is_gold]))
    return result


def suggestion_outcomes(store: Store) -> list[dict]:
    """One row per model suggestion ever stored: origin, layer, label, decision, corrected."""
    sql = ("SELECT s.origin, s.layer, s.label, s.decision, EXISTS (SELECT 1 FROM spans m WHERE m.doc_id = s.doc_id "
           "AND m.replaces = s.id) FROM spans s WHERE s.origin LIKE 'model:%'")
    return [{"origin": o, "layer": layer, "label": label if layer == ENTITY else CLAIM.upper(), "decision": d,
             "corrected": bool(c)} for o, layer, label, d, c in store.conn.execute(sql)]
