"""The apps import one way: oversight → handover → chat → audit → accounts → common, with
partners and the public site beside them (README, "Architecture"; docs/architecture.md).
An import against that order, or a cycle between two modules that both need each other,
fails here. Imports inside functions count too: deferring one hides a cycle from Python at
start-up, not from the reader."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The apps in layers, lowest first: each may import the ones before it in ORDER.
ORDER = ["common", "accounts", "audit", "chat", "handover", "oversight"]
# Apps beside the layers, and what each may import. Partners stand on common alone, so the
# public site and the handover app can both use them without importing each other.
BESIDE = {
    "partners": {"common"},
    "public": {"common", "accounts", "audit", "partners", "chat"},
}
ALLOWED = {app: set(ORDER[: ORDER.index(app)]) for app in ORDER}
ALLOWED["handover"] |= {"partners"}
ALLOWED["oversight"] |= {"partners"}
ALLOWED.update(BESIDE)
# The project (settings, URLs, ASGI, serving, health) imports any app; no app imports it.
PROJECT = "hoc"


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


OURS = set(ALLOWED) | {PROJECT}


def test_every_package_of_ours_has_a_place():
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"common"}
    assert packages == OURS


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_no_app_imports_against_the_order(app):
    may = ALLOWED[app] | {app}
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources(app)
        for name in imports_of(path)
        if name.split(".")[0] in OURS and name.split(".")[0] not in may
    )
    assert wrong == []


def test_the_rule_itself_catches_an_import_against_the_order(tmp_path):
    # A module of `accounts` that imported chat would be listed by the test above.
    module = tmp_path / "bad.py"
    module.write_text("def later():\n    from chat import queue\n")
    assert "chat" in {name.split(".")[0] for name in imports_of(module)}
    assert "chat" not in ALLOWED["accounts"]


def test_conversations_and_guests_do_not_import_each_other():
    conversations = imports_of(ROOT / "chat" / "conversations.py")
    guests = imports_of(ROOT / "chat" / "guests.py")
    assert not ("chat.guests" in conversations and "chat.conversations" in guests)
