"""Leaf modules shared by every app: they import nothing of ours outside `common`
(docs/architecture.md)."""
