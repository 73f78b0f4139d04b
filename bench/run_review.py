"""How many inputs a reviewer needs, per gold fact, to turn the builtin suggestions on the sample
into the reference annotation: the replay of issue 17's acceptance.

    python3 bench/run_review.py [--json OUT] [--verbose]

The sample article is imported into a fresh database and pre-annotated by the builtin rules; then
the real window is opened (offscreen) and a planner drives it with key presses, mouse clicks and
mouse drags sent through Qt (QTest), as a reviewer would, choosing for each fact the cheapest way
the window offers. Every key press, click or drag counts as one input. At the end the database's
gold is compared with the reference, and the script fails (exit 1) if they differ: a figure only
counts when the replay really produced the reference.

The reference: ``tests/fixtures/libya_gold.jsonl`` (the sample's entities, made by the team) and
``tests/fixtures/libya_gold_structure.json`` (actors, claims, stances and relations). Claimants,
stance holders and targets, and relation ends are compared by actor: any mention of the actor
will do. Goals (issue 17): at most 1.0 input per gold fact overall, at most 3 per claim.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotate.model import CLAIM, ENTITY, SUGGESTED  # noqa: E402
from annotate.preannotate import load_annotator  # noqa: E402
from annotate.seeds import sample_articles  # noqa: E402
from store import Store  # noqa: E402
from store.suggestions import run_preannotation  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
GOAL_OVERALL, GOAL_CLAIM = 1.0, 3.0
LAYERS = ("entities", "groups", "claims", "stances", "relations")


def load_reference() -> dict:
    entities = [json.loads(line) for line in (FIXTURES / "libya_gold.jsonl").read_text(encoding="utf-8").splitlines()]
    structure = json.loads((FIXTURES / "libya_gold_structure.json").read_text(encoding="utf-8"))
    actor_of = {start: name for name, starts in structure["actors"].items() for start in starts}
    return {"entities": {(e["start"], e["end"], e["label"]) for e in entities},
            "by_start": {e["start"]: e for e in entities}, "actors": structure["actors"], "actor_of": actor_of,
            "claims": structure["claims"], "stances": structure["stances"], "relations": structure["relations"]}


class Replay:
    """The planner and the driver: reads the window's state, sends real input events, counts them."""

    def __init__(self, window, reference: dict, *, verbose: bool = False):
        from PySide6.QtWidgets import QApplication
        self.app = QApplication.instance()
        self.window = window
        self.ref = reference
        self.verbose = verbose
        self.inputs: Counter = Counter()
        self.layer = "entities"
        self.log: list[str] = []

    # ---- what the window shows ------------------------------------------------------------------

    @property
    def state(self):
        return self.window.state

    @property
    def text(self) -> str:
        return self.state.text

    def spans(self, layer: str, *, decisions=None):
        return sorted((s for s in self.state.spans.values() if s.layer == layer
                       and (decisions is None or s.decision in decisions)), key=lambda s: (s.start, -s.end))

    def has_action(self, action_id: str) -> bool:
        return action_id in getattr(self.window, "actions_by_id", {})

    def keys_of(self, action_id: str) -> str:
        return self.window.keymap.keys[action_id][0]

    def actor(self, span) -> str:
        """The reference actor a mention belongs to, or "@start" for a mention of no group."""
        return self.ref["actor_of"].get(span.start, f"@{span.start}")

    def ref_actor(self, value) -> str:
        """A reference end (an actor's name, or a mention's start) as an actor."""
        return value if isinstance(value, str) else self.ref["actor_of"].get(value, f"@{value}")

    # ---- input events ---------------------------------------------------------------------------

    def settle(self) -> None:
        import time
        for _ in range(3):
            self.app.processEvents()
        if self.app.activeModalWidget() is not None:
            return
        # The offscreen platform has no window manager to hand activation back to the window
        # when a dialog closes, as a desktop does, and on a loaded machine it arrives late (or the
        # closed dialog stays the active window): a shortcut sent meanwhile reached no one, and a
        # Ctrl+E that opened nothing let the next keys go to the dialog that had just closed.
        deadline = time.monotonic() + 5
        while self.app.activeWindow() is not self.window and time.monotonic() < deadline:
            self.window.activateWindow()
            self.app.processEvents()
            time.sleep(0.005)
        if self.app.activeWindow() is not self.window:
            raise RuntimeError(f"the window did not become active again (active: {self.app.activeWindow()})")

    def count(self, what: str) -> None:
        self.inputs[self.layer] += 1
        self.log.append(f"{self.layer}: {what}")
        if self.verbose:
            print(f"  [{self.layer}] {what}")

    def key(self, sequence: str, widget=None) -> None:
        from PySide6.QtGui import QKeySequence
        from PySide6.QtTest import QTest
        combo = QKeySequence(sequence)[0]
        target = widget or self.app.focusWidget() or self.window.view
        QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
        self.count(f"key {sequence}")
        self.settle()

    def type_text(self, text: str, widget=None) -> None:
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QKeyEvent
        target = widget or self.app.focusWidget()
        for char in text:
            # A key event that carries the character (QTest's own only knows ASCII keys).
            key = ord(char.upper()) if char.isascii() and char.isalnum() else Qt.Key.Key_unknown
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                self.app.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))
            self.count(f"type {char!r}")
        self.settle()

    def _point(self, offset: int):
        from PySide6.QtCore import QPoint
        from PySide6.QtGui import QTextCursor
        view = self.window.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(offset))
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        self.settle()
        left = view.cursorRect(cursor)
        cursor.setPosition(view.offsets.to_qt(offset + 1))
        right = view.cursorRect(cursor)
        x = (left.x() + right.x()) // 2 if right.y() == left.y() else left.x() + 2
        return QPoint(x, left.center().y())

    def click(self, span_id: str, *, ctrl: bool = False) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        view = self.window.view
        span = self.state.spans[span_id]
        offset = next((o for o in range(span.start, span.end)
                       if not self.text[o].isspace() and (hits := view.spans_at(o)) and hits[0].id == span_id), None)
        if offset is None:
            raise RuntimeError(f"no character shows {span_id} first; cannot click it")
        point = self._point(offset)
        modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, point)
        self.count(f"{'ctrl-' if ctrl else ''}click {self.text[span.start:span.end][:30]!r}")
        self.settle()

    def drag(self, start: int, end: int) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        view = self.window.view
        from PySide6.QtCore import QPoint
        from PySide6.QtGui import QTextCursor
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(start))
        view.setTextCursor(cursor)
        self.settle()
        a = view.cursorRect(cursor)
        cursor.setPosition(view.offsets.to_qt(end))
        b = view.cursorRect(cursor)
        press, release = QPoint(a.x() + 1, a.center().y()), QPoint(max(b.x() - 1, 0), b.center().y())
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, press)
        QTest.mouseMove(view.viewport(), release)
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, release)
        self.count(f"drag {self.text[start:end][:30]!r}")
        self.settle()
        got = view.selection_range()
        if got is None or (got[0], got[1]) != (start, end):
            raise RuntimeError(f"drag selected {got}, wanted {(start, end)}")

    def select(self, span_id: str) -> None:
        """Make ``span_id`` the selected annotation, with a click unless it already is."""
        if self.window.selected != span_id or getattr(self.window, "current", None) != span_id:
            self.click(span_id)

    # ---- phases ---------------------------------------------------------------------------------

    def run(self) -> None:
        self.window.view.setFocus()
        self.layer = "entities"
        self.fix_entity_suggestions()
        self.add_missing_entities()
        if self.has_action("structure.merge_entities"):
            self.layer = "groups"
            self.fix_groups()
        self.layer = "claims"
        self.fix_claim_suggestions()
        self.add_missing_claims()
        self.layer = "stances"
        self.reject_wrong_links("stances")
        self.add_links("stances")
        self.layer = "relations"
        self.reject_wrong_links("relations")
        self.add_links("relations")
        self.layer = "entities"
        if any(s.decision == SUGGESTED for s in self.state.spans.values()):
            self.key(self.keys_of("review.accept_all"))
        self.layer = "claims"
        self.edit_claims_after_accepting()

    # entities

    def fix_entity_suggestions(self) -> None:
        gold = self.ref["entities"]
        exact = {(s.start, s.end, s.label) for s in self.spans(ENTITY, decisions=(SUGGESTED,))}
        for span in self.spans(ENTITY, decisions=(SUGGESTED,)):
            span = self.state.spans.get(span.id)
            if span is None or span.decision != SUGGESTED or (span.start, span.end, span.label) in gold:
                continue
            relabel = next((g for g in gold if g[:2] == (span.start, span.end)), None)
            if relabel is not None:
                self.select(span.id)
                self.key(self.window.keymap.keys[f"label.{relabel[2]}"][0])
                continue
            resize = next((g for g in gold if g[2] == span.label and g[0] < span.end and span.start < g[1]
                           and g not in exact), None)
            if resize is not None:
                self.select(span.id)
                self.drag(resize[0], resize[1])
                self.key(self.keys_of("edit.resize"))
                exact.add(resize)
                continue
            self.select(span.id)
            self.key(self.keys_of("review.reject"))

    def add_missing_entities(self) -> None:
        have = {(s.start, s.end, s.label) for s in self.spans(ENTITY) if s.decision != "rejected"}
        for start, end, label in sorted(self.ref["entities"] - have):
            if (start, end, label) in {(s.start, s.end, s.label) for s in self.spans(ENTITY)
                                       if s.decision != "rejected"}:
                continue  # made by an earlier step
            self.drag(start, end)
            self.key(self.window.keymap.keys[f"label.{label}"][0])

    # entity groups

    def groups(self) -> dict[str, list]:
        """The window's entity groups that are not rejected: id -> visible mentions."""
        result: dict[str, list] = {}
        for cluster_id, cluster in self.state.clusters.items():
            if cluster.decision != "rejected":
                members = self.state.members(cluster_id)
                if members:
                    result[cluster_id] = members
        return result

    def fix_groups(self) -> None:
        wanted = {name: set(starts) for name, starts in self.ref["actors"].items() if len(starts) >= 2}
        # Mentions grouped with another actor's: split off (a whole wrong group: reject it).
        for cluster_id, members in list(self.groups().items()):
            actors = Counter(self.actor(m) for m in members)
            majority, count = actors.most_common(1)[0]
            if majority not in wanted:
                self.select(members[0].id)
                self.key(self.keys_of("structure.reject_group"))
                continue
            for member in members:
                if self.actor(member) != majority:
                    self.select(member.id)
                    self.key(self.keys_of("structure.split_entity"))
        # An actor spread over several groups (or ungrouped mentions): merge, group by group.
        for name, starts in wanted.items():
            while True:
                mentions = [s for s in self.spans(ENTITY) if s.decision != "rejected" and s.start in starts]
                homes = {}
                for m in mentions:
                    homes.setdefault(m.cluster or m.id, m)
                if len(homes) <= 1:
                    break
                first, second = sorted(homes.values(), key=lambda m: m.start)[:2]
                self.click(first.id)
                self.click(second.id, ctrl=True)
                self.key(self.keys_of("structure.merge_entities"))

    def group_differences(self, ann) -> list[str]:
        wanted = {frozenset(starts) for starts in self.ref["actors"].values() if len(starts) >= 2}
        got = set()
        for cluster in ann.clusters:
            if cluster.decision in ("accepted", "manual"):
                members = [s for s in ann.members(cluster.id) if s.is_gold]
                if members:
                    got.add(frozenset(m.start for m in members))
        by_start = self.ref["by_start"]
        name = lambda group: "/".join(sorted({by_start[s]["text"] for s in group if s in by_start}))  # noqa: E731
        return [f"entity group missing: {name(g)}" for g in wanted - got] + \
            [f"entity group not in the reference: {name(g)}" for g in got - wanted]

    # claims

    def claim_ok(self, span, ref: dict) -> bool:
        return self.claimant_ok(span, ref) and span.claim_type == ref["type"]

    def claimant_ok(self, span, ref: dict) -> bool:
        if span.claimant is None:
            return False
        claimant = self.state.spans.get(span.claimant)
        return claimant is not None and self.actor(claimant) == self.ref_actor(ref["claimant"])

    def fix_claim_suggestions(self) -> None:
        wanted = {(c["start"], c["end"]): c for c in self.ref["claims"]}
        suggested = self.spans(CLAIM, decisions=(SUGGESTED,))
        exact = {(s.start, s.end) for s in suggested}
        for span in suggested:
            if (span.start, span.end) in wanted:
                continue
            target = next((c for key, c in wanted.items() if key not in exact
                           and c["start"] < span.end and span.start < c["end"]), None)
            self.select(span.id)
            if target is not None:
                self.drag(target["start"], target["end"])
                self.key(self.keys_of("edit.resize"))
                exact.add((target["start"], target["end"]))
            else:
                self.key(self.keys_of("review.reject"))

    def add_missing_claims(self) -> None:
        present = {(s.start, s.end) for s in self.spans(CLAIM) if s.decision != "rejected"}
        for ref in self.ref["claims"]:
            if (ref["start"], ref["end"]) in present:
                continue
            self.drag(ref["start"], ref["end"])
            before = self.window.claim_dialog
            self.key(self.keys_of("structure.claim"))
            if self.window.claim_dialog is before or not self.window.claim_dialog.isVisible():
                raise RuntimeError(f"C opened no claim dialog ({self.window.message_label.text()})")
            self.fill_claim_dialog(ref)

    def edit_claims_after_accepting(self) -> None:
        for ref in self.ref["claims"]:
            span = next(s for s in self.spans(CLAIM) if (s.start, s.end) == (ref["start"], ref["end"])
                        and s.decision != "rejected")
            if self.claim_ok(span, ref):
                continue
            self.select(span.id)
            before = self.window.claim_dialog
            self.key(self.keys_of("structure.edit"))
            if self.window.claim_dialog is before or not self.window.claim_dialog.isVisible():
                raise RuntimeError(f"{self.keys_of('structure.edit')} opened no claim dialog")
            self.fill_claim_dialog(ref)

    def fill_claim_dialog(self, ref: dict) -> None:
        dialog = self.window.claim_dialog
        self.settle()
        if not self.dialog_claimant_ok(dialog, ref):
            surface = self.ref_surface(ref["claimant"])
            for k in range(1, len(surface) + 1):
                self.type_text(surface[k - 1], dialog.search)
                if self.dialog_claimant_ok(dialog, ref):
                    break
            while not self.dialog_claimant_ok(dialog, ref):
                if dialog.choices.currentRow() >= dialog.choices.count() - 1:
                    items = [dialog.choices.item(i).text() for i in range(dialog.choices.count())]
                    raise RuntimeError(f"the claim dialog offers no mention of {ref['claimant']} "
                                       f"(typed {dialog.search.text()!r}; offered {items})")
                self.key("Down", dialog.search)
        if dialog.type.currentText() != ref["type"]:
            self.key(dialog.type_keys[ref["type"]], dialog.search)  # one key per type (Alt+P: prediction)
            if dialog.type.currentText() != ref["type"]:
                raise RuntimeError(f"{dialog.type_keys[ref['type']]} did not choose {ref['type']}")
        self.key("Return", self.app.focusWidget())
        if dialog.isVisible():
            raise RuntimeError("Return did not close the claim dialog")

    def dialog_claimant_ok(self, dialog, ref: dict) -> bool:
        choice = dialog.claimant_id()
        span = self.state.spans.get(choice) if choice else None
        return span is not None and self.actor(span) == self.ref_actor(ref["claimant"])

    def ref_surface(self, value) -> str:
        start = value if isinstance(value, int) else self.ref["actors"][value][-1]
        entity = self.ref["by_start"][start]
        return entity["text"]

    # stances and relations

    def mention(self, value, near: int):
        """A visible entity of the actor (or the mention itself), the one nearest ``near``."""
        name = self.ref_actor(value)
        options = [s for s in self.spans(ENTITY) if s.decision != "rejected" and self.actor(s) == name]
        return min(options, key=lambda s: abs(s.start - near))

    def link_key(self, kind: str, link: dict) -> str:
        if kind == "stances":
            return {p: k for k, p in self.window.polarity_keys.items()}[link["polarity"]].upper()
        return {label: k for k, label in self.window.relation_keys.items()}[link["label"]].upper()

    def links_present(self, kind: str) -> set:
        table = self.state.stances if kind == "stances" else self.state.relations
        present = set()
        for link in table.values():
            if link.decision == "rejected":
                continue
            a, b = (link.holder, link.target) if kind == "stances" else (link.head, link.tail)
            value = link.polarity if kind == "stances" else link.label
            present.add((self.actor(self.state.spans[a]), self.actor(self.state.spans[b]), value))
        return present

    def link_fact(self, kind: str, link) -> tuple:
        a, b = (link.holder, link.target) if kind == "stances" else (link.head, link.tail)
        return (self.actor(self.state.spans[a]), self.actor(self.state.spans[b]),
                link.polarity if kind == "stances" else link.label)

    def reject_wrong_links(self, kind: str) -> None:
        """Suggested stances or relations that the reference does not hold: reach each, then X."""
        wanted = {(self.ref_actor(x["holder" if kind == "stances" else "head"]),
                   self.ref_actor(x["target" if kind == "stances" else "tail"]),
                   x["polarity" if kind == "stances" else "label"]) for x in self.ref[kind]}
        table = self.state.stances if kind == "stances" else self.state.relations
        for link_id in [i for i, link in table.items() if link.decision == SUGGESTED
                        and self.link_fact(kind, link) not in wanted]:
            self.reach(link_id, kind)
            self.key(self.keys_of("review.reject"))

    def reach(self, link_id: str, kind: str) -> None:
        """Select a stance or relation: click the end that comes first, then J until it is selected."""
        link = (self.state.stances if kind == "stances" else self.state.relations)[link_id]
        ends = [self.state.spans[e] for e in ((link.holder, link.target) if kind == "stances"
                                              else (link.head, link.tail))]
        self.click(min(ends, key=lambda s: s.start).id)
        for _ in range(30):
            if self.window.current == link_id:
                return
            self.key(self.keys_of("review.next_suggestion"))
        raise RuntimeError(f"J never reached {kind[:-1]} {link_id}")

    def add_links(self, kind: str) -> None:
        for link in self.ref[kind]:
            a, b = (link["holder"], link["target"]) if kind == "stances" else (link["head"], link["tail"])
            value = link["polarity"] if kind == "stances" else link["label"]
            if (self.ref_actor(a), self.ref_actor(b), value) in self.links_present(kind):
                continue
            first = self.mention(a, 0)
            second = self.mention(b, first.start)
            first = self.mention(a, second.start)
            self.click(first.id)
            self.click(second.id, ctrl=True)
            self.key(self.link_key(kind, link))

    # ---- the result -----------------------------------------------------------------------------

    def differences(self, store) -> list[str]:
        ann = store.annotations(self.state.id)
        problems = []
        gold_entities = {(s.start, s.end, s.label) for s in ann.entities if s.is_gold}
        for missing in sorted(self.ref["entities"] - gold_entities):
            problems.append(f"entity missing: {missing}")
        for extra in sorted(gold_entities - self.ref["entities"]):
            problems.append(f"entity not in the reference: {extra}")
        spans = {s.id: s for s in ann.spans}
        claims = {(s.start, s.end): s for s in ann.claims if s.is_gold}
        for ref in self.ref["claims"]:
            span = claims.pop((ref["start"], ref["end"]), None)
            if span is None:
                problems.append(f"claim missing: {ref['text'][:50]!r}")
                continue
            claimant = spans.get(span.claimant) if span.claimant else None
            if claimant is None or self.actor(claimant) != self.ref_actor(ref["claimant"]):
                problems.append(f"claim {ref['text'][:40]!r}: claimant {claimant and self.actor(claimant)}, "
                                f"wanted {ref['claimant']}")
            if span.claim_type != ref["type"]:
                problems.append(f"claim {ref['text'][:40]!r}: type {span.claim_type}, wanted {ref['type']}")
        problems += [f"claim not in the reference: {self.text[s.start:s.end][:50]!r}" for s in claims.values()]
        for kind in ("stances", "relations"):
            got = set()
            for link in (ann.stances if kind == "stances" else ann.relations):
                if link.decision not in ("accepted", "manual"):
                    continue
                a, b = (link.holder, link.target) if kind == "stances" else (link.head, link.tail)
                got.add((self.actor(spans[a]), self.actor(spans[b]),
                         link.polarity if kind == "stances" else link.label))
            wanted = {(self.ref_actor(x[("holder" if kind == "stances" else "head")]),
                       self.ref_actor(x[("target" if kind == "stances" else "tail")]),
                       x["polarity" if kind == "stances" else "label"]) for x in self.ref[kind]}
            problems += [f"{kind[:-1]} missing: {m}" for m in sorted(wanted - got)]
            problems += [f"{kind[:-1]} not in the reference: {m}" for m in sorted(got - wanted)]
        if self.has_action("structure.merge_entities"):
            problems += self.group_differences(ann)
        return problems


def facts_of(reference: dict, *, with_groups: bool) -> dict[str, int]:
    facts = {"entities": len(reference["entities"]), "claims": len(reference["claims"]),
             "stances": len(reference["stances"]), "relations": len(reference["relations"]),
             "groups": sum(1 for starts in reference["actors"].values() if len(starts) >= 2) if with_groups else 0}
    return facts


def replay_sample(folder: Path, *, verbose: bool = False) -> tuple["Replay", list[str], dict[str, int]]:
    """Pre-annotate the sample in a database in ``folder``, replay the review in the real window;
    returns the replay (its inputs and log), the differences from the reference, and the facts.
    Needs a QApplication (and settings of its own: the replay uses the default keys)."""
    reference = load_reference()
    sample = next(p for p in sample_articles() if p.name == "libya-truce-talks.txt")
    store = Store.open(str(Path(folder) / "replay.db"), "reviewer")
    from annotate.model import AnnotatedDocument, Document
    store.import_documents([AnnotatedDocument(Document("sample", sample.read_text(encoding="utf-8"),
                                                       {"title": "sample"}))])
    run_preannotation(store, load_annotator("builtin", store.schema), background_writes=False)
    from ui.main_window import MainWindow
    window = MainWindow(store)
    try:
        window.show()
        window.activateWindow()
        window.open_document("sample")
        replay = Replay(window, reference, verbose=verbose)
        replay.run()
        problems = replay.differences(store)
        with_groups = replay.has_action("structure.merge_entities")
    finally:
        window.close()
        store.close()
    return replay, problems, facts_of(reference, with_groups=with_groups)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--verbose", action="store_true", help="print every input as it is sent")
    args = parser.parse_args()

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication
    with tempfile.TemporaryDirectory() as tmp:
        # Default key bindings only: the replay must not read the user's own.
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, tmp)
            QSettings.setPath(fmt, QSettings.Scope.SystemScope, tmp)
        QCoreApplication.setOrganizationName("MarginaliaReplay")
        app = QApplication.instance() or QApplication([])
        replay, problems, facts = replay_sample(Path(tmp), verbose=args.verbose)
        del app
    rows = []
    for layer in LAYERS:
        if facts[layer] or replay.inputs[layer]:
            rows.append((layer, replay.inputs[layer], facts[layer]))
    total_inputs = sum(r[1] for r in rows)
    total_facts = sum(r[2] for r in rows)
    print(f"{'layer':<10} {'inputs':>7} {'facts':>6} {'per fact':>9}")
    for layer, inputs, count in rows:
        print(f"{layer:<10} {inputs:>7} {count:>6} {inputs / count if count else 0:>9.2f}")
    overall = total_inputs / total_facts
    print(f"{'overall':<10} {total_inputs:>7} {total_facts:>6} {overall:>9.2f}")
    claims = replay.inputs["claims"] / facts["claims"]
    print(f"\ngoal: <= {GOAL_OVERALL} per fact overall ({'met' if overall <= GOAL_OVERALL else 'NOT met'}), "
          f"<= {GOAL_CLAIM} per claim ({'met' if claims <= GOAL_CLAIM else 'NOT met'})")
    if problems:
        print(f"\nthe replay did NOT reach the reference ({len(problems)} differences):")
        for problem in problems[:40]:
            print("  " + problem)
    if args.json:
        args.json.write_text(json.dumps({"inputs": dict(replay.inputs), "facts": facts, "overall": overall,
                                         "per_claim": claims, "differences": problems, "log": replay.log},
                                        indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
