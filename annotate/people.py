"""Who is acting: one rule, applied by every command and by the window.

Statuses (done, skipped) and document labels are kept per annotator, which teams need; a person
working alone should never have to know it. So the name a command or the window acts under is:

1. the name given: ``--user NAME``, or in the window the name chosen for this database;
2. else ``$MARGINALIA_ANNOTATOR``;
3. else, when the database has exactly one annotator, that annotator;
4. else, when it has several and the command needs one (it reads or writes someone's statuses),
   the command stops and names them;
5. else the login name.

An annotator of a database is a name that has a status or a document label there, or that made
or decided an annotation (a model's suggestions belong to no one), or to whom ``assign`` handed
the database (so team/ana.db acts as ana). An import whose annotations
name their annotator gives that annotator the document's status and labels (``import_owner``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InputError
from .model import HUMAN_DECISIONS, Annotations
from .values import MAX_PERSON_LENGTH, name_border_problem

ENVIRONMENT = "MARGINALIA_ANNOTATOR"


@dataclass(frozen=True)
class Acting:
    name: str
    why: str   # "given", "environment", "only annotator", "login"


def login_name() -> str:
    import getpass  # here: not asked for when a name is given
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "annotator"


def checked_person(name: str, where: str) -> str:
    """A person's name as given (``--user``, ``--annotators``, the environment), its blanks around
    dropped; InputError when it cannot name anyone: empty, control or bidi characters, too long."""
    problem = name_border_problem(name, longest=MAX_PERSON_LENGTH)
    if problem is None:
        problem = name_border_problem(name.strip(), longest=MAX_PERSON_LENGTH)
    if problem:
        shown = repr(name) if len(name) <= 60 else repr(name[:40]) + "..."
        raise InputError(f"{where}: the name {shown} {problem}")
    return name.strip()


def acting_annotator(given: str | None, existing: list[str], *, needs_one: bool,
                     how_to_say: str = "--user NAME", source: str | None = None) -> Acting:
    if given is not None:
        return Acting(checked_person(given, how_to_say.split()[0]), "given")
    environment = os.environ.get(ENVIRONMENT, "")
    if environment:
        return Acting(checked_person(environment, f"${ENVIRONMENT}"), "environment")
    if len(existing) == 1:
        return Acting(existing[0], "only annotator")
    if len(existing) > 1 and needs_one:
        raise InputError(f"the database has several annotators ({', '.join(existing)}); say which with "
                         f"{how_to_say} (or set ${ENVIRONMENT})", source=source)
    return Acting(login_name(), "login")


def import_owner(annotations: Annotations) -> str | None:
    """The one annotator an imported document's decided annotations name, if exactly one."""
    names = {item.annotator for group in (annotations.spans, annotations.stances, annotations.relations)
             for item in group if item.annotator and item.decision in HUMAN_DECISIONS}
    return names.pop() if len(names) == 1 else None
