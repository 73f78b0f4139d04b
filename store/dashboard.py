"""The figures behind the statistics dashboard, read in one place (no Qt)."""
from __future__ import annotations

from annotate.evaluation import acceptance_rates

from .gold import agreement as agreement_of
from .suggestions import suggestion_outcomes


def dashboard_data(store, *, include_unfinished: bool = False) -> dict:
    conn = store.conn
    total = store.document_count()
    per_annotator = {name: {"done": done, "skipped": skipped, "in_progress": busy} for name, done, skipped, busy in
                     conn.execute("SELECT annotator, sum(status = 'done'), sum(status = 'skipped'), "
                                  "sum(status = 'in_progress') FROM doc_status GROUP BY annotator ORDER BY annotator")}
    timeline = [(day, n) for day, n in conn.execute(
        "SELECT substr(updated_at, 1, 10) AS day, count(*) FROM doc_status WHERE status = 'done' "
        "GROUP BY day ORDER BY day")]
    labels = dict(conn.execute("SELECT label, count(*) FROM spans WHERE layer = 'entity' "
                               "AND decision IN ('accepted', 'manual') GROUP BY label ORDER BY count(*) DESC"))
    claims = conn.execute("SELECT count(*) FROM spans WHERE layer = 'claim' AND decision IN ('accepted', 'manual')"
                          ).fetchone()[0]
    if claims:
        labels["CLAIM"] = claims
    agreement = {}
    if store.path and store.path != ":memory:" and len(per_annotator) > 1:
        agreement, _notes = agreement_of([store.path], include_unfinished=include_unfinished)
    return {"documents": total, "annotators": per_annotator, "done_by_day": timeline, "labels": labels,
            "acceptance": acceptance_rates(suggestion_outcomes(store)), "agreement": agreement}
