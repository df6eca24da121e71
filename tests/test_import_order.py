"""The apps import one way: oversight → handover → chat → audit → accounts (README,
"Architecture"). An import against that order, or a cycle between two modules that both
need each other, fails here. Imports inside functions count too: deferring one hides a
cycle from Python at start-up, not from the reader."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["accounts", "audit", "chat", "handover", "oversight"]  # each may import those before it


def imports_of(path):
    """Every module `path` imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources(app):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", ORDER)
def test_no_app_imports_one_above_it(app):
    above = ORDER[ORDER.index(app) + 1 :]
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(app)
        for name in imports_of(path)
        if name.split(".")[0] in above
    )
    assert wrong == []


def test_conversations_and_guests_do_not_import_each_other():
    conversations = imports_of(ROOT / "chat" / "conversations.py")
    guests = imports_of(ROOT / "chat" / "guests.py")
    assert not ("chat.guests" in conversations and "chat.conversations" in guests)
