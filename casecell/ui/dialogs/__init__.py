"""One dialog, one module: each has load(...) and result() and holds no business rule."""
