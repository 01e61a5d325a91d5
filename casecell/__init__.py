"""casecell — encrypted, offline register for French *cellules de cas complexes*."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("casecell")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
