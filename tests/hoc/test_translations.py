"""Dutch by default, English complete (the Dutch text in the templates is the source)."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

from django.test import Client

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale/en/LC_MESSAGES/django.po"
MO = ROOT / "locale/en/LC_MESSAGES/django.mo"


def po_entries(path, with_context=False):
    """(msgid, msgstr, fuzzy) for every entry but the header; enough for our files.

    With with_context, (msgctxt, msgid, msgstr, fuzzy).
    """
    entries, current, field, fuzzy = [], {}, None, False
    for line in path.read_text().splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgstr[0] ")):
            field, _, value = line.partition(" ")
            # A plural entry counts by its first form (msgstr[0]).
            field = "msgstr" if field == "msgstr[0]" else field
            current[field] = value[1:-1]
        elif line.startswith(("msgid_plural ", "msgstr[")):
            field = None
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif not line.strip() and current:
            if current.get("msgid"):
                entry = (current["msgid"], current.get("msgstr", ""), fuzzy)
                entries.append((current.get("msgctxt"), *entry) if with_context else entry)
            current, field, fuzzy = {}, None, False
    return entries


def test_every_english_string_is_translated():
    entries = po_entries(PO)
    assert len(entries) > 30
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == []


def test_the_compiled_catalog_matches_the_po_file(tmp_path):
    if not shutil.which("msgfmt"):
        skip_or_fail("msgfmt (GNU gettext) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), "run `make messages` and commit locale/"


def test_dutch_is_the_default(db):
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nl">' in html
    assert "Snel weg" in html


def test_english_pages_show_no_dutch_source_text(db):
    html = Client().get("/en/").content.decode()
    assert '<html lang="en">' in html
    text = re.sub(r"\s+", " ", html)
    for msgid, msgstr, _ in po_entries(PO):
        if msgid != msgstr and len(msgid) > 12:
            assert msgid not in text, msgid


def test_the_language_switch_links_to_the_same_page_in_the_other_language(db):
    dutch = Client().get("/").content.decode()
    english = Client().get("/en/").content.decode()
    assert 'href="/en/" lang="en" hreflang="en">English<' in dutch
    assert 'href="/" lang="nl" hreflang="nl">Nederlands<' in english
