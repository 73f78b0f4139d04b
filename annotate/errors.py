"""Errors that carry where the problem is, so messages can name file, line and offset."""
from __future__ import annotations


class MarginaliaError(Exception):
    """Base for every error the program reports to a user instead of a traceback."""


class InputError(MarginaliaError):
    """Bad input: a file, line or record that cannot be accepted as it is.

    ``where`` names the place ("data.jsonl line 3", "schema.toml"), and the message the reason.
    """

    #: The annotation the problem is about, when there is one: a caller that knows where each
    #: annotation was written (``SourcedDocument.lines``) names that line.
    annotation_id: str | None = None

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None):
        self.reason = message
        self.source = source
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.where
        return f"{where}: {self.reason}" if where else self.reason

    @property
    def where(self) -> str:
        if self.source and self.line is not None:
            return f"{self.source}, line {self.line}"
        if self.source:
            return self.source
        if self.line is not None:
            return f"line {self.line}"
        return ""

    def located(self, *, source: str | None = None, line: int | None = None) -> "InputError":
        """The same error (of the same class), with the file and line filled in by a caller that knows them."""
        out = type(self)(self.reason, source=source or self.source, line=line if line is not None else self.line)
        out.annotation_id = self.annotation_id
        return out

    def about(self, annotation_id: str | None) -> "InputError":
        """The same error, marked as being about this annotation (see ``annotation_id``)."""
        if self.annotation_id is None:
            self.annotation_id = annotation_id
        return self


class SchemaError(InputError):
    """A schema file that cannot be used."""


class ValidationError(InputError):
    """Annotations that do not fit their document or the schema."""


class ConflictError(MarginaliaError):
    """Someone else changed what this action was about to change."""


class StoreError(MarginaliaError):
    """A database that cannot be opened or used safely."""


class BusyError(StoreError):
    """Another connection held the database's write lock for longer than we wait: nothing was
    changed, and the same action can be tried again (the window keeps it and says so)."""
