"""Qt models over service read models: they hold ids and fetch rows lazily (STYLE.md 7)."""
