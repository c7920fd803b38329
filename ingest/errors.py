"""The one error type the build reports: a single line naming the file (and line)."""
from __future__ import annotations


class IngestError(Exception):
    """Input the build cannot accept. `str()` is the one-line message shown to the user.

    Every constructor argument goes to `Exception.__init__`, so the error pickles: raised in
    a worker process, it reaches the main process whole (otherwise unpickling it fails and
    the pool dies with `BrokenProcessPool` instead of showing the one line).
    """

    def __init__(self, path: str, message: str, line: int | None = None):
        super().__init__(path, message, line)
        self.path, self.line, self.message = path, line, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"
