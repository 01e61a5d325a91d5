"""casecell — encrypted, offline register for French *cellules de cas complexes*."""

from __future__ import annotations

import functools


@functools.cache
def _installed_version() -> str:
    # importlib.metadata costs ~60 ms to import (email, zipfile…): only when asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("casecell")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'casecell' has no attribute {name!r}")
