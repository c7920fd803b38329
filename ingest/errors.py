"""The one error type the build reports: a single line naming the file (and line)."""
from __future__ import annotations


class IngestError(Exception):
    """Input the build cannot accept. `str()` is the one-line message shown to the user."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
