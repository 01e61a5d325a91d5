"""Use cases: one function per user action, each in a unit of work, each audited.

The CLI and the UI reach the vault only through these functions.
"""
