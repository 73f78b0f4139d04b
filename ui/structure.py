"""Claims, stances and relations in the window: making them, picking pairs, editing them.

A mixin of MainWindow, kept apart so that the entity workflow and this one each stay readable.
Picking two annotations works with the mouse (click, then Ctrl-click) and from the keyboard
(step with ] and [, mark with Space, step, mark); then one key makes the relation or stance.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QMessageBox

from annotate.claims import default_claimant
from annotate.model import CLAIM, ENTITY, SUGGESTED, Span
from annotate.tokens import snap_to_tokens

if TYPE_CHECKING:  # imported when first used: not needed for the window's first paint
    from .claim_dialog import ClaimDialog


class StructureActions:
    """Expects: self.store, self.state, self.schema, self.view, self.inspector, self.run, self.message."""

    pair: list[str]

    def init_structure(self) -> None:
        self.pair = []
        self.current: str | None = None
        self.claim_dialog: ClaimDialog | None = None
        self.relation_picker: QInputDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.stance_dialog: QDialog | None = None
        self.relation_keys = {r.hotkey: r.label for r in self.schema.relations if r.hotkey}
        self.polarity_keys = {key: polarity for polarity, key in self.schema.polarity_hotkeys.items()}
        self.view.key_handler = self.pair_key

    # ---- picking two annotations -----------------------------------------------------------

    def on_annotation_clicked(self, span_id: str, modifiers) -> None:
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            first = self.view.selected or (self.pair[0] if self.pair else None)
            if first and first != span_id:
                self.set_pair([first, span_id])
                return
        self.cancel_pair(quiet=True)
        self.select_annotation(span_id)

    def mark_for_pair(self) -> None:
        """Space: the selected annotation becomes one end of a stance or relation."""
        selected = self.view.selected
        if selected is None:
            self.message("select an annotation first ([ and ] step through them), then Space to mark it")
            return
        if len(self.pair) == 1 and self.pair[0] != selected:
            self.set_pair([self.pair[0], selected])
        else:
            self.pair = [selected]
            self.view.set_marked(self.pair)
            self.message("marked; now select the other end and press Space (or Ctrl-click it)")

    def set_pair(self, pair: list[str]) -> None:
        self.pair = pair
        self.view.set_marked(pair)
        self.view.set_selected(None, scroll=False)
        first, second = (self.state.spans[i] for i in pair)
        keys = ", ".join(f"{k.upper()} {label}" for k, label in sorted(self.relation_keys.items()))
        polarities = ", ".join(f"{k.upper()} {p}" for k, p in sorted(self.polarity_keys.items()))
        what = f"“{self._surface(first)}” → “{self._surface(second)}”: "
        if first.layer == ENTITY and second.layer == ENTITY:
            self.message(what + f"relation ({keys}; / to search) or stance ({polarities}); Esc cancels")
        elif first.layer == ENTITY:
            self.message(what + f"stance toward the claim ({polarities}); Esc cancels")
        else:
            self.message(what + "a stance needs an entity as holder: pick the holder first; Esc cancels")

    def cancel_pair(self, *, quiet: bool = False) -> None:
        if self.pair:
            self.pair = []
            self.view.set_marked([])
            if not quiet:
                self.message("cancelled")

    def _surface(self, span) -> str:
        return " ".join(self.state.text[span.start:span.end].split())[:40]

    def pair_key(self, text: str) -> bool:
        """Handle a key typed while two annotations are picked; False lets it do its usual job."""
        if len(self.pair) != 2 or not text:
            return False
        key = text.lower()
        if key in self.polarity_keys:
            self.make_stance(self.polarity_keys[key])
            return True
        if key in self.relation_keys:
            self.make_relation(self.relation_keys[key])
            return True
        if key == "/":
            self.pick_relation_label()
            return True
        return False

    # ---- relations and stances -----------------------------------------------------------------

    def make_relation(self, label: str) -> None:
        head, tail = self.pair
        doc_id = self.state.id
        changes = self.run(lambda: self.store.add_relation(doc_id, head, tail, label))
        if changes is not None:
            self.cancel_pair(quiet=True)
            self.select_annotation(changes.created[0])

    def make_stance(self, polarity: str) -> None:
        holder, target = self.pair
        doc_id = self.state.id
        changes = self.run(lambda: self.store.add_stance(doc_id, holder, target, polarity))
        if changes is not None:
            self.cancel_pair(quiet=True)
            self.select_annotation(changes.created[0])

    def pick_relation_label(self) -> None:
        """A short searchable list of the relation labels that fit the picked pair."""
        head, tail = (self.state.spans[i] for i in self.pair)
        fitting = [r.label for r in self.schema.relations if r.allows(head.label, tail.label)] \
            or [r.label for r in self.schema.relations]
        picker = QInputDialog(self)
        picker.setWindowTitle("Relation")
        picker.setLabelText(f"“{self._surface(head)}” → “{self._surface(tail)}”")
        picker.setComboBoxItems(fitting)
        picker.setComboBoxEditable(True)
        picker.textValueSelected.connect(lambda label: self.make_relation(label.strip()))
        self.relation_picker = picker
        picker.open()

    # ---- claims ------------------------------------------------------------------------------------

    def make_claim(self) -> None:
        """C: the dialog first; the claim is stored on OK, as one action with its claimant, type and
        check-worthiness, and Cancel leaves nothing behind."""
        if self.state is None:
            return
        selection = self.view.selection_range()
        if selection is None:
            self.message("select the claim's text first, then press C")
            return
        snapped = snap_to_tokens(self.state.text, *selection)
        if snapped is None:
            self.message("the selection holds no words")
            return
        start, end = snapped
        # Over exactly a suggested claim, the dialog starts from what the model said.
        suggestion = next((s for s in self.state.spans.values() if s.layer == CLAIM and s.decision == SUGGESTED
                           and (s.start, s.end) == (start, end)), None)
        draft = replace(suggestion, id="") if suggestion is not None else \
            Span("", start, end, "CLAIM", CLAIM, claim_type=self.schema.default_claim_type)
        doc_id = self.state.id

        def save(dialog: ClaimDialog):
            fields = dialog.all_fields()
            changes = self.run(lambda: self.store.add_claim(doc_id, start, end, **fields))
            if changes is not None and changes.created:
                self.view.clear_text_selection()
                self.select_annotation(changes.created[-1])

        self._open_claim_dialog(draft, save)

    def edit_claim(self, claim_id: str) -> None:
        """Ctrl+E on a claim: only the fields the person changes are written."""
        doc_id = self.state.id

        def save(dialog: ClaimDialog):
            fields = dialog.result_fields()
            if not fields:
                self.message("nothing changed")
                return
            changes = self.run(lambda: self.store.update_claim(doc_id, claim_id, **fields))
            if changes is not None:
                self._reselect_after_correction(claim_id)

        self._open_claim_dialog(self.state.spans[claim_id], save)

    def _open_claim_dialog(self, claim, save) -> None:
        others = [s for s in self.state.visible_spans() if s.id != claim.id]
        entities = [s for s in others if s.layer == ENTITY]
        if claim.claimant in self.state.spans and self.state.spans[claim.claimant] not in entities:
            # A claimant no longer shown (a rejected suggestion, in files older than the rule that
            # clears it) is still listed, so that OK does not replace it unasked.
            entities.append(self.state.spans[claim.claimant])
        entities.sort(key=lambda s: (s.label not in ("PERSON", "ORG"), s.start))
        proposal = default_claimant(self.state.text, claim.start, claim.end, entities,
                                    [s for s in others if s.layer == CLAIM])
        from .claim_dialog import ClaimDialog
        dialog = ClaimDialog(self, text=self.state.text, claim=claim, entities=entities,
                             claim_types=self.schema.claim_types, default_claimant=proposal)
        dialog.accepted.connect(lambda: (save(dialog), self.view.setFocus()))
        dialog.rejected.connect(self.view.setFocus)
        self.claim_dialog = dialog
        dialog.open()

    def edit_stance(self, stance_id: str) -> None:
        stance = self.state.stances[stance_id]
        dialog = QDialog(self)
        dialog.setWindowTitle("Stance")
        polarity = QComboBox()
        polarity.addItems(list(self.schema.polarities))
        polarity.setCurrentText(stance.polarity)
        evidence = QComboBox()
        evidence.addItem("(none)", None)
        for span in sorted(self.state.visible_spans(), key=lambda s: (s.layer != CLAIM, s.start)):
            evidence.addItem(f"{'claim' if span.layer == CLAIM else span.label}: {self._surface(span)}", span.id)
        index = evidence.findData(stance.evidence)
        evidence.setCurrentIndex(max(0, index))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form = QFormLayout(dialog)
        form.addRow("&Polarity", polarity)
        form.addRow("&Evidence", evidence)
        form.addRow(buttons)
        doc_id = self.state.id
        dialog.accepted.connect(lambda: self.run(lambda: self.store.update_stance(
            doc_id, stance_id, polarity=polarity.currentText(), evidence=evidence.currentData())))
        self.stance_dialog = dialog
        dialog.open()

    def edit_relation(self, relation_id: str) -> None:
        relation = self.state.relations[relation_id]
        head, tail = self.state.spans[relation.head], self.state.spans[relation.tail]
        fitting = [r.label for r in self.schema.relations if r.allows(head.label, tail.label)]
        picker = QInputDialog(self)
        picker.setWindowTitle("Relation")
        picker.setLabelText(f"“{self._surface(head)}” → “{self._surface(tail)}”")
        picker.setComboBoxItems(fitting)
        picker.setTextValue(relation.label)
        doc_id = self.state.id
        picker.textValueSelected.connect(
            lambda label: self.run(lambda: self.store.relabel_relation(doc_id, relation_id, label)))
        self.relation_picker = picker
        picker.open()

    def edit_current(self) -> None:
        """Ctrl+E, or a double-click in the inspector: edit what is selected."""
        current = self.current
        if self.state is None or current is None:
            self.message("select a claim, stance or relation to edit")
        elif current in self.state.stances:
            self.edit_stance(current)
        elif current in self.state.relations:
            self.edit_relation(current)
        elif current in self.state.spans and self.state.spans[current].layer == CLAIM:
            self.edit_claim(current)
        else:
            self.message("press a label key to relabel an entity")
