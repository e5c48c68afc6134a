"""Sub-commands beyond ingest, registered into the CLI parser."""

from __future__ import annotations
