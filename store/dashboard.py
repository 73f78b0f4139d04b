"""The figures behind the statistics dashboard, read in one place (no Qt)."""
from __future__ import annotations

from datetime import date, timedelta

from annotate.evaluation import acceptance_rates

from . import assign, work_time
from .gold import agreement as agreement_of
from .decided import suggestion_outcomes


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
            "acceptance": acceptance_rates(suggestion_outcomes(store)), "agreement": agreement,
            "work_time": work_time.report(conn)["by_annotator"], "assignments": assign.progress(conn),
            "include_unfinished": include_unfinished}


def day_axis(timeline: list[tuple[str, int]], *, at_least: int = 7) -> list[tuple[str, int]]:
    """Every day from the first to the last done (missing days as 0), and at least ``at_least``
    days ending on the last one, so that a single day is one bar among others, not the whole chart."""
    if not timeline:
        return []
    counts = dict(timeline)
    first, last = date.fromisoformat(timeline[0][0]), date.fromisoformat(timeline[-1][0])
    first = min(first, last - timedelta(days=at_least - 1))
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return [(day, counts.get(day, 0)) for day in days]
