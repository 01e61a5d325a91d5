"""What Python 3.11 added and casecell uses, for Python 3.10 (Ubuntu 22.04 LTS).

Import ``UTC`` and ``StrEnum`` from here, never from ``datetime`` and ``enum`` (ruff's banned-api
rule says so). Standard library only: every layer, the domain included, may import it.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from datetime import UTC
    from enum import StrEnum
else:  # pragma: no cover - run on Python 3.10 only
    from datetime import timezone
    from enum import Enum

    UTC = timezone.utc

    class StrEnum(str, Enum):
        """Python 3.11's StrEnum: members are strings, and ``str()`` gives the value."""

        def __str__(self) -> str:
            return str.__str__(self)

        def __format__(self, spec: str) -> str:
            return str.__format__(str(self), spec)

        @staticmethod
        def _generate_next_value_(name: str, start: int, count: int, last: list[str]) -> str:
            return name.lower()


__all__ = ["UTC", "StrEnum"]
