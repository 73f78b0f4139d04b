"""Which keys run which action: the table's defaults, overridden by the user's own bindings.

A user's bindings are saved in QSettings under ``shortcuts/<action id>`` as Qt's portable list
text ("Ctrl+K; F5"; an empty string means "no key"). A key belongs to one action at most: binding
a key already in use is refused, naming the action that has it. When a default collides (a schema
label whose hotkey is a window key, or a default a user has taken), the action earlier in the table
keeps it, the user's bindings before any default, and the loser is reported. An action whose first
default key is taken gets none of its defaults (the others are variants of the first).
"""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from .actions import ActionSpec

PORTABLE = QKeySequence.SequenceFormat.PortableText
GROUP = "shortcuts"


class KeyConflict(ValueError):
    """A key asked for is already bound to another action."""


def normalise(key: str) -> str:
    """One spelling per key ("ctrl+shift+p" and "Ctrl+Shift+P" are the same key); '' if not a key."""
    sequence = QKeySequence(key.strip())
    return sequence.toString(PORTABLE) if not sequence.isEmpty() else ""


def native(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class KeyMap:
    def __init__(self, specs: list[ActionSpec], settings: QSettings | None = None):
        self.specs = {spec.id: spec for spec in specs}
        self.order = [spec.id for spec in specs]
        self.settings = settings if settings is not None else QSettings()
        self.overrides: dict[str, list[str]] = {}
        for action_id in self.order:
            value = self.settings.value(f"{GROUP}/{action_id}")
            if value is not None:
                self.overrides[action_id] = self._parse(value)
        self.keys: dict[str, list[str]] = {}
        self.dropped: dict[str, list[str]] = {}   # action id -> default keys it lost to another action
        self._resolve()

    @staticmethod
    def _parse(value) -> list[str]:
        text = ";".join(value) if isinstance(value, list) else str(value)
        return [k for k in (normalise(part) for part in text.split(";")) if k]

    def _resolve(self) -> None:
        owner: dict[str, str] = {}
        self.keys = {action_id: [] for action_id in self.order}
        self.dropped = {}
        for action_id, keys in self.overrides.items():
            for key in keys:
                if key not in owner:
                    owner[key] = action_id
                    self.keys[action_id].append(key)
        for action_id in self.order:
            if action_id in self.overrides:
                continue
            defaults = [k for k in (normalise(k) for k in self.specs[action_id].keys) if k]
            # The first key is the action's own; the others are variants of it (Shift+P: label
            # exactly), which mean nothing without it.
            if defaults and defaults[0] in owner:
                self.dropped[action_id] = defaults
                continue
            for key in defaults:
                if key not in owner:
                    owner[key] = action_id
                    self.keys[action_id].append(key)
                else:
                    self.dropped.setdefault(action_id, []).append(key)

    def owner(self, key: str) -> str | None:
        key = normalise(key)
        return next((action_id for action_id, keys in self.keys.items() if key in keys), None)

    def sequences(self, action_id: str) -> list[QKeySequence]:
        return [QKeySequence(k) for k in self.keys.get(action_id, [])]

    def shortcut_text(self, action_id: str) -> str:
        return ", ".join(native(k) for k in self.keys.get(action_id, []))

    def conflict(self, action_id: str, keys: list[str]) -> str | None:
        """Why these keys cannot be given to this action, or None when they can."""
        for key in (normalise(k) for k in keys):
            if not key:
                continue
            holder = self.owner(key)
            if holder is not None and holder != action_id:
                return f"{native(key)} is already the key of “{self.specs[holder].plain_text}”"
        return None

    def bind(self, action_id: str, keys: list[str]) -> None:
        """Give an action these keys (none: no key), saved at once; refused if another action has one."""
        problem = self.conflict(action_id, keys)
        if problem:
            raise KeyConflict(problem)
        clean = list(dict.fromkeys(k for k in (normalise(k) for k in keys) if k))
        self.overrides[action_id] = clean
        self.settings.setValue(f"{GROUP}/{action_id}", QKeySequence.listToString(
            [QKeySequence(k) for k in clean], PORTABLE))
        self.settings.sync()
        self._resolve()

    def reset(self, action_id: str) -> None:
        """Back to the table's default keys (refused when another action has taken one of them)."""
        problem = self.conflict(action_id, list(self.specs[action_id].keys))
        if problem:
            raise KeyConflict(problem)
        self.overrides.pop(action_id, None)
        self.settings.remove(f"{GROUP}/{action_id}")
        self.settings.sync()
        self._resolve()
