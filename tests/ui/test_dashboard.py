"""The dashboard's defects of old, fixed: a single day of work is one bar among a week, not a solid
block; every pair of three annotators is in the agreement chart; a long model name keeps both its
ends. Plus time per done document and the mid-way agreement option, driven through the widget."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtCore import Qt

from annotate.model import AnnotatedDocument, Annotations, Document, Span
from store import Store, work_time
from ui.dashboard import Dashboard, short

SHOTS = Path(os.environ.get("MARGINALIA_SHOTS", "/tmp"))
TEXT = "Turkey opposes Haftar, Ankara said on Monday."
LONG_MODEL = "model:en_core_web_trf_finetuned_on_news_2026_with_gazetteers@3.7.1-rc2"


def categories(chart) -> list[str]:
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    return list(axis.categories())


def team(tmp_path) -> Path:
    path = tmp_path / "team.db"
    with Store.open(str(path), "ana") as store:
        docs = [AnnotatedDocument(Document(f"d{i}", f"{TEXT} ({i})"), Annotations([Span("m1", 0, 6, "GPE")])) for i in range(3)]
        store.import_documents(docs, as_suggestions=True, origin=LONG_MODEL)
        for who, label in (("ana", "GPE"), ("ben", "GPE"), ("cem", "NORP")):
            store.annotator = who
            for doc_id in ("d0", "d1"):
                store.add_entity(doc_id, 15, 21, "PERSON")
                store.add_entity(doc_id, 23, 29, label)
                work_time.add(store, doc_id, 90)
                store.set_status(doc_id, "done")
        store.annotator = "ana"
        store.add_entity("d2", 38, 44, "DATE")  # in progress, not done
        store.annotator = "ben"
        store.add_entity("d2", 38, 44, "DATE")
        store.accept("d2", "m1")
    return path


def test_dashboard_charts_every_pair_one_day_and_long_names(qtbot, tmp_path):
    with Store.open(str(team(tmp_path)), "lead") as store:
        dashboard = Dashboard(store)
        qtbot.addWidget(dashboard)
        dashboard.show()
        qtbot.waitExposed(dashboard)
        # All the work was done today: seven days on the axis, one bar with six documents.
        days = categories(dashboard.chart("per_day"))
        assert len(days) == 7
        (series,) = dashboard.chart("per_day").series()
        values = [series.barSets()[0].at(i) for i in range(7)]
        assert values[:6] == [0] * 6 and values[6] == 6
        # Three annotators: three pairs and "all 3", none dropped.
        assert categories(dashboard.chart("agreement")) == ["all 3", "ben – cem", "ana – cem", "ana – ben"]
        # The long model name keeps its start and its version.
        (name,) = [c for c in categories(dashboard.chart("acceptance")) if "ALL" in c]
        assert name.startswith("en_core_web") and name.endswith("rc2 ALL") and "…" in name
        # ... and is drawn whole, at the dashboard's size and in a narrow one (Qt Charts would
        # otherwise elide a category that does not fit its column: the old fixed 150 px cut).
        for width in (dashboard.width(), 420, dashboard.width()):
            dashboard.resize(width, dashboard.height())
            qtbot.wait(50)
            for chart in ("acceptance", "agreement", "labels"):
                axis = next(a for a in dashboard.chart(chart).axes() if isinstance(a, QBarCategoryAxis))
                assert not axis.labelsTruncated(), (chart, width)
        assert short("x" * 10) == "x" * 10
        # The evaluation chart (evaluate --plot) shortens the same way, keeping the version.
        assert short("en_core_web_trf_finetuned_on_news@3.7.1-rc2 ALL", 24) == "en_core_web_…7.1-rc2 ALL"
        # Time per done document: 90 s each.
        (time_series,) = dashboard.chart("time").series()
        assert [time_series.barSets()[0].at(i) for i in range(3)] == [1.5, 1.5, 1.5]
        assert "9:00 of active time" in dashboard.summary.text()
        dashboard.save_png(SHOTS / "dashboard.png")

        # Mid-way: documents not yet done join the agreement (d2, which ana and ben have started).
        done_only = dashboard.data["agreement"]["pairs"][0]["documents"]
        qtbot.mouseClick(dashboard.unfinished, Qt.MouseButton.LeftButton)
        assert dashboard.data["include_unfinished"]
        assert dashboard.data["agreement"]["pairs"][0]["documents"] == done_only + 1
        assert "done or in progress" in dashboard.chart("agreement").title()
