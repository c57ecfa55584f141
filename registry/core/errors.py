"""The one kind of error that means "the command could not run".

Every module raises a subclass of :class:`CannotRun` with one sentence for the user
(an unreadable path, a bad revision, a view that does not exist); the command line
maps it, in one place, to that sentence on stderr and exit code 2. Problems *in*
the inventory are never errors: they are findings with file:line.
"""

from __future__ import annotations


class CannotRun(Exception):
    """The command cannot run as asked: one clear sentence, exit 2."""
