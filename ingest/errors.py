"""The project's one exception type.

It lives in the lowest layer so ``ingest`` can raise it without importing ``tutor``; ``tutor.errors``
re-exports it. Messages say what went wrong *and what to do*, because the CLI and UI print them as-is.
"""


class TutorError(Exception):
    """An error the user can cause and fix (bad file, empty question, unreachable backend...)."""
