"""Re-export of the project's one exception type (defined in the lowest layer, ``ingest``)."""

from ingest.errors import TutorError

__all__ = ["TutorError"]
