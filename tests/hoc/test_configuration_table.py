"""The README's configuration table documents every variable the settings read."""

import re
from pathlib import Path

from tests.hoc.test_compose import settings_variables

ROOT = Path(__file__).resolve().parents[2]


def documented_variables():
    readme = (ROOT / "README.md").read_text()
    first_cells = re.findall(r"^\|([^|\n]*)\|", readme, re.M)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z0-9_]+)`", cell)}


def test_every_variable_the_settings_read_is_documented():
    read = settings_variables()
    assert {"HOC_ENV", "DATABASE_URL", "REDIS_URL", "HOC_SECRET_KEY_FILE"} <= read
    assert read - documented_variables() == set()


def test_the_table_documents_no_variable_that_nothing_reads():
    code = "\n".join(p.read_text() for p in ROOT.glob("tests/**/*.py"))
    stale = {name for name in documented_variables() - settings_variables() if name not in code}
    assert stale == set()
