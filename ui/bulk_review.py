"""Review in bulk: label every occurrence, accept by label or score, and entities as actors
(merge, split, accept or reject a group of mentions).

A mixin of MainWindow, like ``structure.StructureActions``. An action that changes many
annotations at once shows first how many it would change and waits for its key a second time
(the count is the preview; anything else in between cancels it); each is one undo step.
"""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from annotate.actors import actor_name
from annotate.model import CLAIM, REJECTED, SUGGESTED


class BulkReview:
    """Expects: self.store, self.state, self.view, self.run, self.message, self.keymap, self.pair."""

    _armed: tuple | None = None
    score_dialog: QInputDialog | None = None

    def _second_press(self, key: tuple, question: str) -> bool:
        """True when this is the second press of the same action on the same thing; else show the
        question (with the count) and wait for it."""
        if self._armed == key:
            self._armed = None
            return True
        self._armed = key
        self.message(question)
        return False

    def _key_text(self, action_id: str) -> str:
        keys = self.keymap.shortcut_text(action_id)
        return keys.split(",")[0] if keys else "the same key"

    def _selected_entity(self):
        span = self.state.spans.get(self.current) if self.state and self.current else None
        if span is None or span.layer == CLAIM or span.decision == REJECTED:
            return None
        return span

    # ---- every occurrence ---------------------------------------------------------------------

    def label_everywhere(self, corpus: bool = False) -> None:
        span = self._selected_entity()
        if span is None:
            self.message("select an entity (a label you made or a suggestion) to label its other occurrences")
            return
        doc_id, span_id = self.state.id, span.id
        try:
            preview = self.store.occurrences.preview(doc_id, span_id, corpus=corpus)
        except Exception as exc:  # noqa: BLE001 - reported like any refused action
            self.error(str(exc))
            return
        where = f" in {len(preview.documents)} document(s)" if corpus else ""
        if preview.total == 0:
            self._armed = None
            self.message(f"no other occurrence of “{preview.surface}” to label{where}")
            return
        action_id = "review.label_everywhere_corpus" if corpus else "review.label_everywhere"
        key = (action_id, doc_id, span_id, preview.total)
        if not self._second_press(key, f"{preview.total} other occurrence(s) of “{preview.surface}”{where} "
                                       f"({preview.added} new, {preview.accepted} suggested, {preview.corrected} "
                                       f"to relabel) will be {preview.label}: press {self._key_text(action_id)} "
                                       "again to label them"):
            return
        self.run(lambda: self.store.occurrences.label_all(doc_id, span_id, corpus=corpus))

    # ---- accept by label or score ---------------------------------------------------------------

    def accept_all_of_label(self) -> None:
        span = self._selected_entity()
        if span is None:
            self.message("select an entity suggestion: every suggestion with its label will be accepted")
            return
        doc_id, label = self.state.id, span.label
        count = self.store.decisions.count_pending(doc_id, label=label)
        if count == 0:
            self.message(f"no {label} suggestion left")
            return
        if self._second_press(("review.accept_label", doc_id, label, count),
                              f"{count} {label} suggestion(s) left: press {self._key_text('review.accept_label')} "
                              "again to accept them"):
            self.run(lambda: self.store.accept_all(doc_id, label=label))

    def accept_all_above(self) -> None:
        if self.state is None:
            return
        doc_id = self.state.id
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Accept all above a score")
        dialog.setInputMode(QInputDialog.InputMode.DoubleInput)
        dialog.setDoubleDecimals(2)
        dialog.setDoubleRange(0.0, 1.0)
        dialog.setDoubleStep(0.05)

        def preview(value: float) -> None:
            count = self.store.decisions.count_pending(doc_id, min_score=value)
            dialog.setLabelText(f"{count} suggestion(s) scored {value:.2f} or more will be accepted")

        dialog.doubleValueChanged.connect(preview)
        dialog.setDoubleValue(0.8)
        preview(0.8)
        dialog.doubleValueSelected.connect(
            lambda value: self.run(lambda: self.store.accept_all(doc_id, min_score=round(value, 2))))
        self.score_dialog = dialog
        dialog.open()

    def toggle_uncertain_first(self) -> None:
        on = self.uncertain_first_action.isChecked()
        self.message("J visits the least certain suggestions first" if on else "J visits suggestions in reading order")

    # ---- entities as actors ---------------------------------------------------------------------

    def merge_entities(self) -> None:
        if self.state is None:
            return
        if len(self.pair) != 2 or any(self.state.spans[i].layer == CLAIM for i in self.pair):
            self.message("pick two mentions (click one, Ctrl-click the other), then = makes them one entity")
            return
        first, second = self.pair
        doc_id = self.state.id
        if self.run(lambda: self.store.clusters.merge(doc_id, first, second)) is not None:
            self.cancel_pair(quiet=True)
            self.select_annotation(first)

    def split_entity(self) -> None:
        span = self._selected_entity()
        if span is None or span.cluster is None:
            self.message("select a mention that belongs to an entity group to split it off")
            return
        doc_id, span_id = self.state.id, span.id
        self.run(lambda: self.store.clusters.split(doc_id, span_id))

    def decide_group(self, accept: bool) -> None:
        if self.state is None:
            return
        cluster_id = self.current if self.current in self.state.clusters else None
        span = self._selected_entity()
        if cluster_id is None and span is not None:
            cluster_id = span.cluster
        cluster = self.state.clusters.get(cluster_id) if cluster_id else None
        if cluster is None or cluster.decision != SUGGESTED:
            self.message("select a mention of a suggested entity group (J steps to the next one)")
            return
        doc_id = self.state.id
        decide = self.store.accept if accept else self.store.reject
        self.run(lambda: decide(doc_id, cluster_id))

    def describe_group(self, span) -> str:
        """" — entity: Khalifa Haftar, 15 mentions (suggested group)" for a mention in a group."""
        if span.cluster is None or span.cluster not in self.state.clusters:
            return ""
        members = self.state.members(span.cluster)
        name = actor_name(self.state.text, members)
        cluster = self.state.clusters[span.cluster]
        suggested = " (suggested group: Ctrl+G accept, Ctrl+Shift+G reject)" if cluster.decision == SUGGESTED else ""
        return f" — entity “{' '.join(name.split())[:40]}”, {len(members)} mentions{suggested}"
