"""Marginalia's entry point: the window by default, subcommands for batch work.

Exit codes: 0 success, 1 bad input (the message names the file and line), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from annotate.arguments import decimal, integer
from annotate.errors import MarginaliaError

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


def default_db_path() -> Path:
    home = os.environ.get("MARGINALIA_HOME")
    if home:
        return Path(home) / "marginalia.db"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "marginalia" / "marginalia.db"


USER_HELP = ("who is acting: the name recorded on what you do and whose statuses are read (default: "
             "$MARGINALIA_ANNOTATOR, else the database's only annotator, else your login name)")


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version
    try:
        return installed_version("marginalia")
    except PackageNotFoundError:  # run from a source tree that was never installed
        import tomllib
        with open(Path(__file__).with_name("pyproject.toml"), "rb") as f:
            return tomllib.load(f)["project"]["version"]


class _Version(argparse.Action):
    """--version, read only when asked (the package metadata is not free to look up at every start)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"marginalia {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marginalia", description=(
        "Annotate news text: entities, claims, stances and relations, saved as gold in SQLite."))
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, *, acting: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", type=Path, default=None,
                         help=f"database file (default: {default_db_path()})")
        sub.set_defaults(user=None)
        if acting:
            sub.add_argument("--user", metavar="NAME", default=None, help=USER_HELP)
            # The first releases spelled it --annotator, which export uses for whose version to write.
            sub.add_argument("--annotator", dest="user", default=None, help=argparse.SUPPRESS)
        return sub

    gui = command("gui", "open the annotation window (the default when no command is given)")
    gui.add_argument("--doc", help="document id to open first")

    imp = command("import", "add documents, and their annotations where the format has them")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to import")
    from annotate.formats.names import EXPORT_FORMATS, IMPORT_FORMATS
    imp.add_argument("--format", choices=list(IMPORT_FORMATS), default=None,
                     help="input format, detected from the file name and content when not given. "
                          + "; ".join(f"{k}: {v}" for k, v in IMPORT_FORMATS.items())
                          + ". CSV is written by export but not read.")
    imp.add_argument("--as", dest="as_", choices=["gold", "suggestions"], default="gold",
                     help="store imported annotations as gold (decided) or as suggestions to review")
    imp.add_argument("--doccano-offsets", choices=["utf16", "grapheme"], default="utf16",
                     help="how the doccano file counts offsets: utf16 (doccano's default) or grapheme (a project "
                          "made with \"Count grapheme clusters as one character\")")
    imp.add_argument("--add-labels", action="store_true",
                     help="add the entity and relation labels the files use and the schema lacks, as a new "
                          "schema version (otherwise an unknown label is refused, naming file and line)")

    exp = command("export", "write the annotations as a dataset", acting=False)
    exp.add_argument("--format", choices=list(EXPORT_FORMATS), default="jsonl",
                     help="output format (default jsonl). " + "; ".join(f"{k}: {v}" for k, v in EXPORT_FORMATS.items()))
    exp.add_argument("--out", type=Path, required=True,
                     help="output file ('-' for standard output); a folder for brat, and for spacy either a "
                          ".spacy file or a folder of shards (constant memory)")
    exp.add_argument("--only-done", action="store_true", help="only documents marked done")
    exp.add_argument("--split", metavar="NAME=FRACTION,...",
                     help="write one file per split, e.g. train=0.8,dev=0.1,test=0.1 gives OUT.train.jsonl, "
                          "OUT.dev.jsonl, OUT.test.jsonl (a deterministic shuffle with --seed)")
    exp.add_argument("--seed", type=integer, default=0, help="seed of the --split shuffle (default 0)")
    exp.add_argument("--force", action="store_true", help="overwrite an existing output file")
    exp.add_argument("--annotator", metavar="NAME", default=None, help=(
        "export only this annotator's version (what they decided, their status for --only-done); without "
        "it, everyone's annotations are exported, and --only-done means done by the database's only annotator"))
    exp.add_argument("--doccano-offsets", choices=["utf16", "grapheme"], default="utf16",
                     help="for --format doccano: utf16 (doccano's default) or grapheme, for a project made with "
                          "\"Count grapheme clusters as one character\"")

    shot = command("screenshot", "render the window for a document to PNG, without a screen")
    shot.add_argument("--doc", help="document id (default: the next unfinished one)")
    shot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    shot.add_argument("--theme", choices=["light", "dark"], default="light")
    shot.add_argument("--size", default="1400x860", help="window size, WIDTHxHEIGHT")
    shot.add_argument("--arcs", action="store_true", help="draw relations and stances as arcs")
    shot.add_argument("--no-tags", dest="tags", action="store_false", help="no label tags above the entities")
    shot.add_argument("--select", help="annotation id to show selected")
    shot.add_argument("--tab", help="the inspector's tab to show, by name (Entities, Actors, Claims, ...)")

    stats = command("stats", "counts by document status, label, annotator, origin, decision")
    stats.add_argument("--json", action="store_true", help="print JSON")

    aud = command("audit", "the history of actions; --verify checks it was not altered", acting=False)
    aud.add_argument("--doc", help="only this document's history")
    aud.add_argument("--verify", action="store_true", help="check the hash chain and the tables against it")
    aud.add_argument("--head", action="store_true",
                     help="print the log's anchor, COUNT:HASH, to keep outside the file (every export also "
                          "writes it into OUT.manifest.json)")
    aud.add_argument("--expect", metavar="COUNT:HASH", default=None,
                     help="with --verify: the log must still hold this anchor (from --head, an export's manifest, "
                          "or an export with its manifest beside it); names a log cut short or rewritten")
    aud.add_argument("--json", action="store_true", help="print JSON")

    pre = command("preannotate", "run a spaCy pipeline over the documents and store its suggestions")
    pre.add_argument("--model", default="builtin",
                     help="builtin (the rules, no download; builtin.v3 names a version), a pipeline folder, "
                          "or an installed spaCy package such as en_core_web_sm (default: builtin)")
    pre.add_argument("--batch-size", type=integer, default=64, help="documents per batch and per transaction (default 64)")
    pre.add_argument("--n-process", type=integer, default=1, help="processes for nlp.pipe (default 1)")
    pre.add_argument("--scheduler", metavar="ADDRESS",
                     help="run the pipeline on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); "
                          "this process writes what the workers return (needs marginalia[cluster])")
    pre.add_argument("--workers", type=integer, metavar="N",
                     help="run the pipeline on a local Dask cluster of N worker processes (needs marginalia[cluster])")
    pre.add_argument("--json", action="store_true", help="print the result as JSON")

    trn = command("train", "train a spaCy pipeline (entities, and claims as spans) from the gold of done documents")
    trn.add_argument("--out", type=Path, required=True, help="folder for the trained pipeline (spacy.load reads it)")
    trn.add_argument("--dev-fraction", type=decimal, default=0.2, help="share of documents held out (default 0.2)")
    trn.add_argument("--seed", type=integer, default=0, help="seed of the split and of training (default 0)")
    trn.add_argument("--max-steps", type=integer, default=None, help="stop after this many steps (default: spaCy's)")
    trn.add_argument("--name", default="marginalia", help="the pipeline's name in suggestions' origin")
    trn.add_argument("--json", action="store_true", help="print the result as JSON")

    ev = command("evaluate", "precision, recall and F1 of a pipeline against the gold; acceptance of suggestions")
    ev.add_argument("--model", required=True, help="a pipeline folder, a package, or builtin")
    ev.add_argument("--json", action="store_true", help="print JSON")
    ev.add_argument("--plot", type=Path, default=None, help="also draw both reports as a PNG bar chart")
    ev.add_argument("--held-out", action="store_true",
                    help="leave out the documents the pipeline was trained on (train records them in its folder; "
                         "its dev documents stay in)")

    mrg = command("merge", "bring annotators' database files together (documents matched by text), with attribution")
    mrg.add_argument("sources", nargs="+", type=Path, metavar="SRC.db", help="databases to merge (read, never written)")
    mrg.add_argument("--into", type=Path, required=True, help="the database to merge into (created when missing)")
    mrg.add_argument("--json", action="store_true", help="print the result as JSON")
    mrg._option_string_actions["--db"].help = argparse.SUPPRESS  # the target is --into

    asg = command("assign", "hand out documents: one database per annotator holding only their documents")
    asg.add_argument("--annotators", required=True, help="comma-separated names, e.g. ana,ben,cem")
    asg.add_argument("--overlap", type=decimal, default=0.2,
                     help="share of documents given to several annotators, for agreement (default 0.2)")
    asg.add_argument("--copies", type=integer, default=2, help="annotators per overlap document (default 2)")
    asg.add_argument("--out", type=Path, required=True, help="folder for the annotators' files (ANNOTATOR.db)")
    asg.add_argument("--seed", type=integer, default=0, help="seed of the deterministic shuffle (default 0)")
    asg.add_argument("--json", action="store_true", help="print JSON")

    sch = command("schema", "show the database's schema, or load a schema file as its new version", acting=True)
    sch.add_argument("--load", type=Path, metavar="FILE",
                     help="a schema TOML file (see the README): checked, then stored as a new version; a label "
                          "that annotations still use cannot be dropped")

    agr = command("agree", "agreement per label and per pair of annotators, on documents both marked done",
                  acting=False)
    agr.conflict_handler = agr._optionals.conflict_handler = "resolve"  # here --db may be given more than once
    agr.add_argument("--db", type=Path, action="append", default=None, metavar="DB",
                     help=f"a merged database, or give --db once per annotator's file (default: {default_db_path()})")
    agr.add_argument("--include-unfinished", action="store_true",
                     help="also compare documents not yet marked done (anything but skipped), to check mid-way")
    agr.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    args.db = args.db or default_db_path()
    handler = globals()[f"cmd_{args.command}"]
    try:
        _refuse_database_paths(args)
        return handler(args)
    except MarginaliaError as exc:
        print(f"marginalia: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        # A path the system refuses (too long, a folder where a file is wanted, no permission) names
        # itself; every write lands whole or not at all, so nothing is left half done.
        print(f"marginalia: error: {_os_error(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("marginalia: interrupted; every committed action is kept", file=sys.stderr)
        return 130


def _os_error(exc: OSError) -> str:
    def shown(name) -> str:
        text = os.fsdecode(name) if isinstance(name, (bytes, os.PathLike)) else str(name)
        return text if len(text) <= 200 else f"{text[:120]}...{text[-40:]} ({len(text):,} characters)"
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return reason
    if exc.filename2 is not None:
        return f"{shown(exc.filename)} -> {shown(exc.filename2)}: {reason}"
    return f"{shown(exc.filename)}: {reason}"


def _refuse_database_paths(args) -> None:
    """No output of any command (and no input of an import or merge) may be the database or its companions."""
    from annotate.paths import command_paths, refuse_database_paths
    outputs, inputs, db = command_paths(args)
    if db is not None:
        refuse_database_paths(db, outputs, inputs)


def _open_store(args, *, create: bool = True, only_reads: bool = False, needs_one: bool = False,
                given: str | None = None, how_to_say: str = "--user NAME"):
    """The store, acting for whom the rule of ``annotate.people`` says.

    ``only_reads``: the command never writes, so the file is opened read-only: it is never
    created, migrated or written, and may be a file we have no permission to write.
    ``needs_one``: the command reads or writes someone's statuses, so with several annotators
    and no name given it stops and names them.
    """
    from annotate.people import ENVIRONMENT, acting_annotator, checked_person, login_name
    from store import Store
    given = given if given is not None else args.user
    if given is not None:  # refused before any file is opened
        given = checked_person(given, how_to_say.split()[0])
    # A new database has no annotators: the name it is created under is already the rule's answer.
    first = given or os.environ.get(ENVIRONMENT, "").strip() or login_name()
    store = Store.open(str(args.db), first, create=create and not only_reads, read_only=only_reads)
    try:
        acting = acting_annotator(given, store.annotators(), needs_one=needs_one, how_to_say=how_to_say,
                                  source=str(args.db))
    except BaseException:
        store.close()
        raise
    store.annotator = acting.name
    store.on_busy = _say_waiting
    return store


def _say_waiting(text: str) -> None:
    """A command waits for another program's write (a long import) rather than fail busy."""
    print(f"marginalia: {text}", file=sys.stderr, flush=True)


def _progress(total: int | None, what: str):
    from tqdm import tqdm
    # disable=None: a bar on a terminal, silence in pipes and logs.
    return tqdm(total=total, desc=what, unit=" docs", disable=None, file=sys.stderr, leave=False)


def cmd_gui(args) -> int:
    from annotate.people import checked_person
    from ui.app import run_gui
    if args.user is not None:
        args.user = checked_person(args.user, "--user")
    return run_gui(db_path=args.db, annotator=args.user, doc_id=getattr(args, "doc", None),
                   seed_if_new=args.db == default_db_path())


def cmd_screenshot(args) -> int:
    from annotate.arguments import size
    from annotate.errors import InputError
    from ui.app import screenshot

    try:
        width, height = size(args.size)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    with _open_store(args, create=False, needs_one=True) as store:
        out = screenshot(store, doc_id=args.doc, out=args.out, theme=args.theme, width=width, height=height,
                         arcs=args.arcs, select=args.select, tags=args.tags, tab=args.tab)
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args) -> int:
    from store.files import created_whole
    from store.importing import describe, import_items, needs_an_annotator, read_items

    # Parse everything first: a bad file is refused (naming file and line) before the database is touched.
    items, notes = read_items(args.paths, args.format, doccano_offsets=args.doccano_offsets)
    # A database the import creates appears only if the import lands (see store/files.py).
    with created_whole(args.db) as path:
        # Statuses and labels that name no annotator go to the one acting: that must be someone definite.
        store = _open_store(argparse.Namespace(**{**vars(args), "db": path}), needs_one=needs_an_annotator(items))
        with store, _progress(len(items), "importing") as bar:
            outcome = import_items(store, items, args.paths, notes, as_suggestions=args.as_ == "suggestions",
                                   add_labels=args.add_labels, on_progress=lambda n: bar.update(1))
    for message in outcome.notes[:20]:
        print(f"note: {message}", file=sys.stderr)
    if len(outcome.notes) > 20:
        print(f"note: ... and {len(outcome.notes) - 20} more", file=sys.stderr)
    if outcome.schema_extended:
        print("schema: added the labels the files use (a new schema version)", file=sys.stderr)
    print(describe(outcome))
    if outcome.result.skipped_with_annotations:
        print(f"note: {outcome.skipped_note()}", file=sys.stderr)
    return EXIT_OK


def cmd_export(args) -> int:
    from store import anchor
    from store.export import export_documents

    # --only-done reads someone's statuses: the named annotator's, or the database's only one.
    store = _open_store(args, create=False, only_reads=True, needs_one=args.only_done, given=args.annotator,
                        how_to_say="--annotator NAME")
    with store, store.snapshot():  # one state of the file, however long the export takes
        total = store.document_count()
        head = anchor.head(store.conn)
        with _progress(total, "exporting") as bar:
            written = export_documents(store, args.format, args.out, only_done=args.only_done,
                                       annotator=args.annotator,
                                       split=args.split, seed=args.seed, force=args.force,
                                       doccano_offsets=args.doccano_offsets,
                                       on_progress=lambda: bar.update(1))
    for target, count in written.items():
        print(f"exported {count} documents to {target}", file=sys.stderr)
    # The log's anchor goes with the export, outside the database file (see store/anchor.py).
    if str(args.out) == "-":
        print(f"audit anchor: {head} (check it later with `marginalia audit --verify --expect {head}`)",
              file=sys.stderr)
    else:
        manifest = anchor.write_manifest(args.out, head, fmt=args.format, written=written, database=str(args.db))
        print(f"audit anchor {head} written to {manifest}", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args) -> int:
    from store import assign, work_time
    from store.work_time import clock

    with _open_store(args, create=False, only_reads=True) as store, store.snapshot():
        stats = store.stats()
        stats["work_time"] = work_time.report(store.conn)
        stats["assignments"] = assign.progress(store.conn)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return EXIT_OK
    by_annotator = stats["status_by_annotator"]
    if len(by_annotator) > 1:
        print(f"documents: {stats['documents']}")
        for name, counts in by_annotator.items():
            print(f"  {name}: " + "  ".join(f"{k}: {v}" for k, v in counts.items()))
    else:
        print(f"documents: {stats['documents']}  " + "  ".join(f"{k}: {v}" for k, v in stats["status"].items())
              + f"  (annotator: {stats['annotator']})")
    for section in ("entities_by_label", "claims_by_type", "stances_by_polarity", "relations_by_label",
                    "by_decision", "by_origin", "by_annotator"):
        if stats[section]:
            print(f"{section.replace('_', ' ')}: " + ", ".join(f"{k or '-'} {v}" for k, v in stats[section].items()))
    for name, t in stats.get("work_time", {}).get("by_annotator", {}).items():
        per_doc = t["seconds_per_done_document"]
        print(f"time {name}: {clock(t['seconds'])} on {t['documents']} documents"
              + (f", {clock(per_doc)} per done document" if per_doc is not None else ""))
    for name, p in stats.get("assignments", {}).items():
        print(f"assigned {name}: {p['assigned']}, done {p['done']}, skipped {p['skipped']}")
    print(f"audit events: {stats['audit_events']}")
    return EXIT_OK


def cmd_audit(args) -> int:
    from store import anchor

    expected = anchor.read_expected(args.expect) if args.expect else None
    with _open_store(args, create=False, only_reads=True) as store, store.snapshot():
        if args.head:
            head = anchor.head(store.conn)
            print(json.dumps({"events": head.events, "head": head.head}) if args.json else head)
            return EXIT_OK
        if args.verify or expected is not None:
            result = store.verify()
            from store.merge import verify_merged_chains
            merged = verify_merged_chains(store.conn)  # the sources' histories kept by `merge`
            cut = anchor.check(store.conn, expected) if expected is not None else []
            result = type(result)(result.ok and merged.ok and not cut, result.events,
                                  cut + result.problems + merged.problems)
            if args.json:
                print(json.dumps({"ok": result.ok, "events": result.events, "problems": result.problems}))
            elif result.ok:
                print(f"audit log verified: {result.events} events, chain intact, tables match the history")
                if expected is not None:
                    print(f"anchor kept outside the file matched: event #{expected.events} is the one it names"
                          f" ({result.events - expected.events} events since)")
                if merged.events:
                    print(f"merged histories verified: {merged.events} events of the merged sources, chains intact")
            else:
                print(f"audit log FAILED verification ({result.events} events):", file=sys.stderr)
                for problem in result.problems:
                    print(f"  {problem}", file=sys.stderr)
            return EXIT_OK if result.ok else EXIT_BAD_INPUT
        for event in store.events(args.doc):
            if args.json:
                print(json.dumps({"seq": event.seq, "at": event.at, "actor": event.actor, "action": event.action,
                                  "doc_id": event.doc_id, "rows": [r.to_json() for r in event.rows],
                                  "detail": event.detail}, ensure_ascii=False))
            else:
                print(f"{event.summary()}  ({len(event.rows)} rows)")
    return EXIT_OK


def cmd_preannotate(args) -> int:
    from annotate.preannotate import load_annotator
    from store.suggestions import run_preannotation

    if args.batch_size < 1 or args.n_process < 1 or (args.workers is not None and args.workers < 1):
        print("marginalia: error: --batch-size, --n-process and --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    with _open_store(args, create=False) as store:
        if args.scheduler or args.workers:
            from store.cluster import connect, run_on_cluster
            with connect(scheduler=args.scheduler, workers=args.workers) as client, \
                    _progress(store.document_count(), f"pre-annotating with {args.model} on a cluster") as bar:
                result = run_on_cluster(store, args.model, client, batch_size=args.batch_size,
                                        on_progress=lambda done, total, _: bar.update(done - bar.n))
        else:
            annotator = load_annotator(args.model, store.schema)
            with _progress(store.document_count(), f"pre-annotating with {annotator.origin}") as bar:
                result = run_preannotation(store, annotator, batch_size=args.batch_size, n_process=args.n_process,
                                           on_progress=lambda done, total, _: bar.update(done - bar.n))
    s = result.stats
    if args.json:
        print(json.dumps({"model": result.origin, **s.__dict__, "resumed": result.resumed,
                          "unmapped": dict(result.unmapped)}))
    else:
        print(f"{result.origin}: {s.documents} documents; {s.added} suggestions added, {s.updated} updated, "
              f"{s.removed} removed, {s.kept} unchanged; {s.skipped_rejected + s.skipped_existing} not suggested "
              "because a person already decided them"
              + (f"; {result.resumed} documents it had pre-annotated already were left as they are"
                 if result.resumed else ""))
    if result.unmapped:
        print("labels with no place in the schema (not stored; map them in [model_labels]): "
              + ", ".join(f"{label} ({n})" for label, n in result.unmapped.most_common()), file=sys.stderr)
    return EXIT_OK


def cmd_train(args) -> int:
    from annotate.training import summary, train_pipeline
    from store.decided import gold_documents

    with _open_store(args, create=False, only_reads=True, needs_one=True) as store, store.snapshot():
        gold = gold_documents(store)
    result = train_pipeline(gold, args.out, dev_fraction=args.dev_fraction, seed=args.seed,
                            max_steps=args.max_steps, name=args.name, log=lambda m: print(m, file=sys.stderr))
    if args.json:
        print(json.dumps(summary(result)))
    else:
        dev = result.scores
        print(f"trained {'ner + spancat (claims)' if result.with_claims else 'ner'} on {result.train_docs} documents "
              f"(labels: {', '.join(result.labels)}); dev F1 {dev.get('ents_f', 0.0):.3f}; saved to {result.path} "
              f"as model:{result.name}@{result.version}")
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from annotate.evaluation import format_table
    from store.evaluating import evaluate_model

    with _open_store(args, create=False, only_reads=True, needs_one=True) as store, store.snapshot():
        report = evaluate_model(store, str(args.model), held_out=args.held_out)
    if args.plot:
        from ui.charts import evaluation_chart
        evaluation_chart(report, args.plot)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return EXIT_OK
    held = f", {report['excluded_trained']} it was trained on left out" if args.held_out else ""
    print(f"{report['model']} against the gold of {report['documents']} done documents{held}\n")
    print(format_table(report["entities"]))
    if report["claims"]:
        print(format_table(report["claims"]).split("\n", 1)[1])
    if report["unmapped"]:
        print("\nlabels with no place in the schema: " + ", ".join(f"{k} ({v})" for k, v in report["unmapped"].items()))
    print("\nsuggestions by model version: accepted / corrected / rejected / pending (acceptance)")
    for origin, labels in report["acceptance"].items():
        for label, c in labels.items():
            rate = "-" if c["acceptance"] is None else f"{c['acceptance']:.0%}"
            print(f"  {origin:<32} {label:<12} {c['accepted']:>5} {c['corrected']:>5} {c['rejected']:>5} "
                  f"{c['pending']:>5}  ({rate})")
    if args.plot:
        print(f"\nchart written to {args.plot}", file=sys.stderr)
    return EXIT_OK


def cmd_merge(args) -> int:
    from store.merge import describe, merge_databases

    from annotate.people import ENVIRONMENT, login_name
    result = merge_databases(args.sources, args.into, args.user or os.environ.get(ENVIRONMENT, "").strip() or login_name(),
                             on_busy=_say_waiting)
    if args.json:
        print(json.dumps({"sources": [s.to_json() for s in result.sources], "schema_extended": result.schema_extended,
                          "notes": result.notes}, ensure_ascii=False))
    else:
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
        print(describe(result) or "nothing to merge")
        if result.schema_extended:
            print("schema: added the labels the sources use (a new schema version)", file=sys.stderr)
    return EXIT_OK


def cmd_assign(args) -> int:
    from store.assign import assign

    with _open_store(args, create=False) as lead:
        result = assign(lead, args.annotators.split(","), args.out, overlap=args.overlap, copies=args.copies,
                        seed=args.seed)
    if args.json:
        print(json.dumps([{"annotator": a.annotator, "path": a.path, "documents": a.documents} for a in result]))
    for a in result if not args.json else []:
        print(f"{a.annotator}: {len(a.documents)} documents in {a.path}")
    return EXIT_OK


def cmd_schema(args) -> int:
    from annotate.schema import load_schema
    with _open_store(args, create=args.load is not None) as store:
        if args.load is not None:
            version = store.set_schema(load_schema(args.load))
            print(f"schema from {args.load} stored as version {version}", file=sys.stderr)
        schema, version = store.schema, store.schema_version()
    print(f"{schema.name} (version {version} in this database)")
    for entity in schema.entities:
        key = entity.hotkey.upper() if entity.hotkey else "-"
        print(f"  {entity.label:<12} key {key:<2} {entity.color}  {entity.description}".rstrip())
    print(f"claims: key {(schema.claim_hotkey or '-').upper()}, types {', '.join(schema.claim_types)}")
    print("stances: " + ", ".join(f"{p} ({schema.polarity_hotkeys.get(p, '-').upper()})" for p in schema.polarities))
    if schema.relations:
        print("relations: " + ", ".join(f"{r.label} ({(r.hotkey or '-').upper()})" for r in schema.relations))
    if schema.document_labels:
        print("document labels: " + ", ".join(schema.document_labels))
    return EXIT_OK


def cmd_agree(args) -> int:
    from annotate.agreement import format_report
    from store.gold import agreement

    report, notes = agreement(args.db if isinstance(args.db, list) else [args.db],
                              include_unfinished=args.include_unfinished)
    for note in notes[:20]:
        print(f"note: {note}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False) if args.json else format_report(report))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
