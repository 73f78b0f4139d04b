"""Before the window: is there a screen, which database, and who is annotating.

``display_problem`` runs before Qt is imported: without a usable display Qt's xcb plugin aborts
the process with a message about libxcb-cursor0 whatever the cause, so the cause is found here
and said in one line.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")

#: What Qt itself loads on any platform, and a bare Debian or Ubuntu (a server, a container) lacks.
QT_PACKAGES = "libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0"

XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 "
                "libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0")


def platform_name() -> str:
    return os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip().lower()


def headless() -> bool:
    return platform_name() in HEADLESS_PLATFORMS


def _x_server_answers(number: int) -> bool:
    """A local X server listens on /tmp/.X11-unix/XN, and on Linux on the same name in the abstract
    namespace too (which survives a cleaned /tmp)."""
    import socket
    for address in (f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            try:
                probe.connect(address)
                return True
            except OSError:
                continue
    return False


def display_problem() -> str | None:
    """Why the window cannot open here, in one line, or None when it can (as far as can be told)."""
    if not sys.platform.startswith("linux") or headless():
        return None
    platform = platform_name()
    if platform.startswith("wayland") or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return ("no display: DISPLAY is not set, so there is no screen to open the window on. Run marginalia "
                "in a desktop session (or over ssh -X); the batch commands (marginalia --help) need no screen")
    if display.startswith(":"):
        number = display[1:].split(".")[0]
        if number.isdigit() and not _x_server_answers(int(number)):
            return (f"no display: no X server answers at DISPLAY={display}; start it, or set DISPLAY to one "
                    "that runs")
    import ctypes  # here: only the X11 check needs it
    try:
        ctypes.CDLL("libxcb-cursor.so.0")
    except OSError:
        return ("Qt's X11 plugin needs libxcb-cursor0, which is not installed: "
                f"sudo apt-get install {XCB_PACKAGES}")
    return None


def acting_on_a_screen(db_path: Path, given: str | None, existing: Callable[[], list[str]]):
    """The window's name for this database by the rule of ``annotate.people``: given, else chosen
    for this database before, else $MARGINALIA_ANNOTATOR, else the database's only annotator;
    None when it must be asked. ``existing`` lists the database's annotators, called only when
    the rule gets that far: it reads every decided span (a second on a 100,000-document corpus,
    at every start-up before)."""
    from annotate.people import ENVIRONMENT

    from .settings import database_annotator
    if given and given.strip():
        return given.strip()
    remembered = database_annotator(db_path)
    if remembered:
        return remembered
    environment = os.environ.get(ENVIRONMENT, "").strip()
    if environment:
        return environment
    annotators = existing()
    if len(annotators) == 1:
        return annotators[0]
    return None


def ask_name(db_path: Path, existing: list[str]) -> str | None:
    """The name dialog: the database's annotators to pick from (when several), or a new name."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from annotate.people import login_name
    from annotate.values import MAX_PERSON_LENGTH, name_border_problem

    from .settings import last_annotator
    proposal = last_annotator() or login_name()
    while True:
        if existing:
            items = existing + ([proposal] if proposal not in existing else [])
            name, ok = QInputDialog.getItem(
                None, "Who is annotating?",
                f"{db_path.name} has several annotators ({', '.join(existing)}).\n"
                "Pick your name, or type a new one; it is recorded on every annotation you make:",
                items, 0, True)
        else:
            name, ok = QInputDialog.getText(None, "Welcome to Marginalia",
                                            f"Your name, recorded on every annotation you make in {db_path.name}:",
                                            text=proposal)
        if not ok or not name.strip():
            return None
        # The rule every command applies to --user: a pasted name with a newline or a bidi control
        # would be recorded on every annotation and read otherwise than it is stored.
        problem = name_border_problem(name.strip(), longest=MAX_PERSON_LENGTH)
        if problem is None:
            return name.strip()
        shown = repr(name.strip()) if len(name.strip()) <= 60 else repr(name.strip()[:40]) + "..."
        QMessageBox.warning(None, "Marginalia", f"The name {shown} {problem}. Type it again.")
        proposal = ""
