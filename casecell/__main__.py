"""``python -m casecell``."""

from casecell.app import entry

entry()
