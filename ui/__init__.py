"""The window (PySide6). Calls annotate/ and store/; nothing below imports this package."""
