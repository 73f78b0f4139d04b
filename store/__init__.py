"""Persistence on SQLite through sqlite-utils.

Persistence contract: every public write method of :class:`store.store.Store` is one user
action, runs in one ``BEGIN IMMEDIATE`` transaction, appends one event to the audit log in the
same transaction, and is committed before it returns. A caller never needs to "save"; a process
killed at any moment leaves every returned action in the file and no half of any other.
"""
from .database import open_database
from .store import Store

__all__ = ["Store", "open_database"]
