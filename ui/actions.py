"""The one table of the window's actions: id, menu, text, default keys, tip and handler.

The menus, the toolbar, the F1 sheet and the key-binding preferences all read this table, so an
action is declared once and its keys live in one place. Keys are written in Qt's portable text
("Ctrl+Shift+P"); a user's own bindings (``ui.keymap``) override the defaults by action id, so
ids must never change once released.

Label actions come from the schema (one per entity label); they are made by ``label_specs``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: Menus in the order of the menu bar: (title, mnemonic text).
MENUS = ("File", "Edit", "Review", "Label", "Structure", "Document", "View", "Schema", "Model", "Help")


@dataclass(frozen=True)
class ActionSpec:
    id: str                       # stable: the key of the user's binding in QSettings
    menu: str                     # one of MENUS
    text: str                     # menu text, with & before the mnemonic
    keys: tuple[str, ...]         # default key sequences, portable text
    tip: str
    handler: Callable = field(compare=False)   # called with the window
    toolbar: bool = False
    checkable: bool = False
    attr: str | None = None       # the window attribute that holds the QAction, for code and tests

    @property
    def plain_text(self) -> str:
        return self.text.replace("&", "")


def _spec(id, menu, text, keys, tip, handler, **kw) -> ActionSpec:
    return ActionSpec(id, menu, text, (keys,) if isinstance(keys, str) else tuple(keys), tip, handler, **kw)


ACTIONS: tuple[ActionSpec, ...] = (
    # File (the recent databases' submenu is put after Open by ``ui.files``)
    _spec("file.new", "File", "&New database…", "Ctrl+N", "Make a new, empty database and open it",
          lambda w: w.new_database()),
    _spec("file.open", "File", "&Open database…", "Ctrl+O", "Open another database file", lambda w: w.open_database()),
    _spec("file.import", "File", "&Import…", "Ctrl+I",
          "Add documents and their annotations from files or folders of any supported format (or drop them on the "
          "window); in the background, whole or not at all", lambda w: w.import_files()),
    _spec("file.export", "File", "&Export…", "Ctrl+Shift+E",
          "Write the annotations as a dataset: format, only done, whose, train/dev/test split", lambda w: w.export_dataset()),
    _spec("file.assign", "File", "&Assign documents…", (),
          "Hand out the documents: one database per annotator holding only theirs, a share of them done by "
          "two for agreement (as marginalia assign)", lambda w: w.assign_documents()),
    _spec("file.quit", "File", "&Quit", "Ctrl+Q", "Close Marginalia", lambda w: w.close(), attr="quit_action"),
    # Edit
    _spec("edit.undo", "Edit", "&Undo", "Ctrl+Z", "Undo the last action", lambda w: w.undo(),
          toolbar=True, attr="undo_action"),
    _spec("edit.redo", "Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the action just undone",
          lambda w: w.redo(), toolbar=True, attr="redo_action"),
    _spec("edit.delete", "Edit", "&Delete annotation", ("Del", "Backspace"), "Delete the selected annotation",
          lambda w: w.delete_selected(), attr="delete_action"),
    _spec("edit.resize", "Edit", "Resize to selection", "Ctrl+R",
          "Make the selected annotation cover the selected text", lambda w: w.resize_to_selection()),
    _spec("edit.start_earlier", "Edit", "Start one token earlier", "Alt+Left",
          "Move the annotation's start left by a token", lambda w: w.nudge("start", False)),
    _spec("edit.start_later", "Edit", "Start one token later", "Alt+Right",
          "Move the annotation's start right by a token", lambda w: w.nudge("start", True)),
    _spec("edit.end_earlier", "Edit", "End one token earlier", "Alt+Shift+Left",
          "Move the annotation's end left by a token", lambda w: w.nudge("end", False)),
    _spec("edit.end_later", "Edit", "End one token later", "Alt+Shift+Right",
          "Move the annotation's end right by a token", lambda w: w.nudge("end", True)),
    # Review
    _spec("review.accept", "Review", "&Accept suggestion", "A", "Accept the selected suggestion and select the next one",
          lambda w: w.accept_selected(), toolbar=True, attr="accept_action"),
    _spec("review.reject", "Review", "&Reject suggestion", "X", "Reject the selected suggestion and select the next one",
          lambda w: w.reject_selected(), toolbar=True, attr="reject_action"),
    _spec("review.accept_all", "Review", "Accept &all remaining", "Ctrl+Shift+A",
          "Accept every suggestion left in this document (one undo step)", lambda w: w.accept_all(),
          toolbar=True, attr="accept_all_action"),
    _spec("review.accept_label", "Review", "Accept all of this &label", "Ctrl+Alt+A",
          "Accept every suggestion left with the selected suggestion's label: the first press shows how many, "
          "the second accepts them (one undo step)", lambda w: w.accept_all_of_label()),
    _spec("review.accept_above", "Review", "Accept all abo&ve a score…", "Ctrl+Alt+S",
          "Accept every suggestion left scored at least a value, with a live count (one undo step)",
          lambda w: w.accept_all_above()),
    _spec("review.label_everywhere", "Review", "Label every &occurrence", "Ctrl+L",
          "Give every other occurrence of the selected entity's text in this document the same label: the first "
          "press shows how many, the second labels them (one undo step)", lambda w: w.label_everywhere()),
    _spec("review.label_everywhere_corpus", "Review", "Label every occurrence in the &corpus", "Ctrl+Shift+L",
          "The same in every document of the corpus (one undo step)", lambda w: w.label_everywhere(corpus=True)),
    _spec("review.next_suggestion", "Review", "&Next suggestion", "J",
          "Select the next unreviewed suggestion (entities, claims, stances, relations, entity groups)",
          lambda w: w.step(True, suggestions_only=True)),
    _spec("review.previous_suggestion", "Review", "&Previous suggestion", "K",
          "Select the previous unreviewed suggestion", lambda w: w.step(False, suggestions_only=True)),
    _spec("review.uncertain_first", "Review", "Least &certain first", "Ctrl+Shift+U",
          "J and K visit the suggestions from the least certain (lowest score) up, instead of in reading order",
          lambda w: w.toggle_uncertain_first(), checkable=True, attr="uncertain_first_action"),
    _spec("review.next_annotation", "Review", "Next annotation", "]", "Select the next annotation in the text",
          lambda w: w.step(True)),
    _spec("review.previous_annotation", "Review", "Previous annotation", "[",
          "Select the previous annotation in the text", lambda w: w.step(False)),
    # Label (one action per label of the schema follows: see ``label_specs``)
    _spec("palette.label", "Label", "Label &palette…", ";",
          "Any label by a few letters of its name: ;, type, Enter (applies to the selected text, or "
          "relabels the selected entity)", lambda w: w.show_label_palette()),
    # Structure (the claim key's default comes from the schema: see ``table``)
    _spec("structure.claim", "Structure", "Make &claim", "C",
          "Make a claim of the selected text, then pick who claims it", lambda w: w.make_claim(),
          toolbar=True, attr="claim_action"),
    _spec("structure.mark", "Structure", "&Mark for stance or relation", "Space",
          "Mark the selected annotation as one end of a stance or relation (or Ctrl-click the second)",
          lambda w: w.mark_for_pair()),
    _spec("structure.cancel", "Structure", "Cancel", "Esc", "Cancel the picked pair and the selection",
          lambda w: w._escape()),
    _spec("structure.merge_entities", "Structure", "Mer&ge into one entity", "=",
          "With two mentions picked (click, Ctrl-click), make them one entity, with everything grouped with "
          "either", lambda w: w.merge_entities()),
    _spec("structure.split_entity", "Structure", "S&plit from its entity", "-",
          "Take the selected mention out of its entity group", lambda w: w.split_entity()),
    _spec("structure.accept_group", "Structure", "Accept the entity &group", "Ctrl+G",
          "Accept the suggested grouping of the selected mention's entity", lambda w: w.decide_group(True)),
    _spec("structure.reject_group", "Structure", "Reject the entity group", "Ctrl+Shift+G",
          "Reject the suggested grouping: its mentions stand alone", lambda w: w.decide_group(False)),
    _spec("structure.edit", "Structure", "&Edit selected", "Ctrl+E",
          "Edit the selected claim (claimant, type), stance (polarity, evidence) or relation (label)",
          lambda w: w.edit_current()),
    # Document
    _spec("document.done", "Document", "&Done, next", ("Ctrl+Return", "Ctrl+Enter"),
          "Mark this document done and open the next unfinished one", lambda w: w.done_and_next(),
          toolbar=True, attr="done_action"),
    _spec("document.skip", "Document", "&Skip…", "Ctrl+Shift+Return", "Skip this document, with a reason",
          lambda w: w.skip_document()),
    _spec("document.next", "Document", "Next document", "Ctrl+PgDown", "Open the next document in the list",
          lambda w: w._neighbour_document(1)),
    _spec("document.previous", "Document", "Previous document", "Ctrl+PgUp",
          "Open the previous document in the list", lambda w: w._neighbour_document(-1)),
    _spec("document.find", "Document", "Find document", "Ctrl+F", "Search the corpus",
          lambda w: w.corpus.focus_search()),
    _spec("document.comment", "Document", "Co&mment…", "Ctrl+M",
          "Write a comment on the selected annotation, or on the document (Notes tab; Ctrl+Return adds it)",
          lambda w: w.write_comment()),
    _spec("document.adjudicate", "Document", "&Adjudicate…", "Ctrl+Shift+J",
          "Compare two annotators' versions of this document and settle the gold", lambda w: w.adjudicate()),
    # View
    _spec("view.statistics", "View", "&Statistics", "Ctrl+Shift+T",
          "Progress, labels, suggestion acceptance and agreement as charts (Ctrl+S there saves a PNG)",
          lambda w: w.show_dashboard()),
    _spec("view.zoom_in", "View", "Zoom &in", ("Ctrl++", "Ctrl+="), "Larger text", lambda w: w.view.zoomIn(1)),
    _spec("view.zoom_out", "View", "Zoom &out", "Ctrl+-", "Smaller text", lambda w: w.view.zoomOut(1)),
    _spec("view.dark", "View", "&Dark theme", "Ctrl+Shift+D", "Switch between light and dark",
          lambda w: w.apply_theme("dark" if w.theme.name == "light" else "light")),
    _spec("view.tags", "View", "Label &tags", "Ctrl+T",
          "Write each entity's label in a small tag above its first character, so the label reads without "
          "its colour (remembered)", lambda w: w.toggle_tags(), checkable=True, attr="tags_action"),
    _spec("view.arcs", "View", "Show &arcs", "Ctrl+Shift+R", "Draw relations and stances as arcs over the text",
          lambda w: w.toggle_arcs(), toolbar=True, checkable=True, attr="arcs_action"),
    _spec("view.arcs_selected", "View", "Arcs of the &selection only", "Ctrl+Shift+O",
          "Draw only the arcs of the selected annotation", lambda w: w.toggle_arcs_selected(), checkable=True,
          attr="arcs_selected_action"),
    _spec("edit.preferences", "Edit", "&Preferences…", "Ctrl+,",
          "Your name for this database, theme, font size and every key binding", lambda w: w.show_preferences()),
    # Schema
    _spec("schema.show", "Schema", "&Show schema", (), "The labels, keys and colours of this database's schema",
          lambda w: w.show_schema()),
    _spec("schema.load", "Schema", "&Load schema file…", (),
          "Use a schema TOML file (checked first; stored as a new version; a label still in use is never dropped)",
          lambda w: w.load_schema_file()),
    _spec("schema.add_label", "Schema", "&Add label…", (), "Add an entity label with its colour and key",
          lambda w: w.add_label()),
    # Model
    _spec("model.train", "Model", "&Train from gold…", (),
          "Train a spaCy pipeline on the documents marked done, in the background", lambda w: w.train_model()),
    _spec("model.preannotate", "Model", "&Pre-annotate with…", "Ctrl+Shift+P",
          "Store a pre-annotator's suggestions for every document (builtin rules, an installed spaCy pipeline, "
          "or a pipeline folder), in the background", lambda w: w.preannotate_with()),
    _spec("model.evaluate", "Model", "&Evaluate…", (),
          "Precision, recall and F1 per label of a pipeline against the gold, and acceptance per model version",
          lambda w: w.evaluate_model()),
    # Help
    _spec("help.guidelines", "Help", "&Guidelines", "F2",
          "Show or hide the annotation guidelines: what each label means, and the schema's guidelines file",
          lambda w: w.toggle_guidelines(), checkable=True, attr="guidelines_action"),
    _spec("help.shortcuts", "Help", "&Keyboard shortcuts", ("F1", "?"), "Show every action and its key",
          lambda w: w.show_shortcuts()),
)


def label_specs(schema) -> list[ActionSpec]:
    """One action per entity label, on the schema's hotkey (lower and upper: Shift keeps the selection exact)."""
    specs = []
    for entity in schema.entities:
        keys = (entity.hotkey.upper(), "Shift+" + entity.hotkey.upper()) if entity.hotkey else ()
        specs.append(ActionSpec(
            f"label.{entity.label}", "Label", entity.label, keys,
            (f"{entity.label}: {entity.description}. " if entity.description else "")
            + f"Label the selection {entity.label} (snapped to whole tokens; with Shift, exactly as selected), "
            "or relabel the selected entity", lambda w, label=entity.label: w.label_selection(label)))
    return specs


def table(schema) -> list[ActionSpec]:
    """Every action of a window on this schema, in menu order within each menu."""
    specs = list(ACTIONS)
    if schema.claim_hotkey:
        specs = [ActionSpec(s.id, s.menu, s.text, (schema.claim_hotkey.upper(),), s.tip, s.handler, s.toolbar,
                            s.checkable, s.attr) if s.id == "structure.claim" else s for s in specs]
    return specs + label_specs(schema)


def context_rows(schema) -> list[tuple[str, str, str, str]]:
    """Keys that only mean something with two annotations picked: (menu, name, key, when) for the F1 sheet."""
    rows = [("Structure", f"Stance {polarity}", key.upper(), "with a holder and a target picked")
            for polarity, key in sorted(schema.polarity_hotkeys.items(), key=lambda item: item[1])]
    rows += [("Structure", f"Relation {r.label}", r.hotkey.upper(), "with two entities picked")
             for r in sorted(schema.relations, key=lambda r: r.hotkey or "") if r.hotkey]
    rows.append(("Structure", "Relation by name…", "/", "with two entities picked"))
    return rows
