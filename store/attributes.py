"""brat ``A`` attributes of an entity (negation, uncertainty...), kept in its attrs and written
back by the brat export; editing them is an audited, undoable action like any other."""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from annotate.changes import Changes
from annotate.errors import ValidationError

from .rows import dumps

if TYPE_CHECKING:
    from .store import Store

# brat's attribute names and values are single tokens (a space would split the .ann line).
_TOKEN = re.compile(r"[^\s]+")


def set_attributes(store: "Store", doc_id: str, span_id: str, attributes: dict[str, str | bool]) -> Changes:
    """Replace the span's brat attributes: name -> value, or True for a binary attribute."""
    clean: dict[str, str | bool] = {}
    for name, value in attributes.items():
        name = str(name).strip()
        if not _TOKEN.fullmatch(name):
            raise ValidationError(f"an attribute name is one word without spaces, not {name!r}")
        if value is not True:
            value = str(value).strip()
            if value.lower() in ("", "true"):
                value = True
            elif not _TOKEN.fullmatch(value):
                raise ValidationError(f"attribute {name}: a value is one word without spaces, not {value!r}")
        clean[name] = value

    def edit(row, conn):
        attrs = json.loads(row["attrs"] or "{}")
        if clean:
            attrs["attributes"] = clean
        else:
            attrs.pop("attributes", None)
        row.update(attrs=dumps(attrs))
        return row

    return store.spans._update_span("attributes", doc_id, span_id, edit)
