"""The figures behind the statistics dashboard, read in one place (no Qt)."""
from __future__ import annotations

from annotate.agreement import agreement_report
from annotate.evaluation import acceptance_rates

from .gold import read_corpus
from .suggestions import suggestion_outcomes


def dashboard_data(store) -> dict:
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
        corpus, schema, _notes = read_corpus([store.path])
        agreement = agreement_report(corpus, polarities=schema.polarities if schema else None,
                                     relation_labels=[r.label for r in schema.relations] if schema else None)
    return {"documents": total, "annotators": per_annotator, "done_by_day": timeline, "labels": labels,
            "acceptance": acceptance_rates(suggestion_outcomes(store)), "agreement": agreement}
