"""What the window remembers between runs, in QSettings: per database (the annotator's name, the
last export's choices), recent databases, and the look (theme, font size).

A database is keyed by a hash of its absolute path, so a name typed for one file is never used
for another. Key bindings are kept by ``ui.keymap`` under ``shortcuts/``.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 8


def _key(path: str | Path) -> str:
    absolute = os.path.abspath(os.fspath(path))
    return "databases/" + hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _settings() -> QSettings:
    return QSettings()


def database_annotator(path: str | Path) -> str | None:
    value = _settings().value(f"{_key(path)}/annotator", "")
    return str(value) if value else None


def set_database_annotator(path: str | Path, name: str) -> None:
    settings = _settings()
    settings.setValue(f"{_key(path)}/annotator", name)
    settings.setValue(f"{_key(path)}/path", os.path.abspath(os.fspath(path)))
    settings.setValue("last_annotator", name)
    settings.sync()


def last_annotator() -> str | None:
    value = _settings().value("last_annotator", "")
    return str(value) if value else None


def database_value(path: str | Path, name: str, default=None):
    """A JSON value remembered for this database (the last export's choices, say)."""
    value = _settings().value(f"{_key(path)}/{name}")
    if value is None:
        return default
    try:
        return json.loads(str(value))
    except ValueError:
        return default


def set_database_value(path: str | Path, name: str, value) -> None:
    settings = _settings()
    settings.setValue(f"{_key(path)}/{name}", json.dumps(value))
    settings.sync()


def recent_databases() -> list[str]:
    value = _settings().value("recent", "")
    paths = json.loads(str(value)) if value else []
    return [p for p in paths if isinstance(p, str)]


def add_recent_database(path: str | Path) -> None:
    absolute = os.path.abspath(os.fspath(path))
    paths = [absolute] + [p for p in recent_databases() if p != absolute]
    settings = _settings()
    settings.setValue("recent", json.dumps(paths[:MAX_RECENT]))
    settings.sync()


def look() -> tuple[str, int | None]:
    """(theme name, article font size in points or None for the default)."""
    settings = _settings()
    theme = str(settings.value("theme", "light"))
    size = settings.value("font_size")
    try:
        points = int(size) if size not in (None, "") else None
    except (TypeError, ValueError):
        points = None
    return (theme if theme in ("light", "dark") else "light"), points


def set_look(theme: str, font_size: int | None) -> None:
    settings = _settings()
    settings.setValue("theme", theme)
    settings.setValue("font_size", "" if font_size is None else int(font_size))
    settings.sync()


def tags_shown() -> bool:
    """Whether the article shows label tags (on unless the person turned them off)."""
    return str(_settings().value("tags", "true")).lower() not in ("false", "0")


def set_tags_shown(on: bool) -> None:
    settings = _settings()
    settings.setValue("tags", "true" if on else "false")
    settings.sync()
