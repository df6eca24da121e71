"""Our words: "sekte" (and "cult") appear only on the page that explains why we avoid them."""

import re
from pathlib import Path

from django.test import Client

from tests.hoc.test_translations import po_entries

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"sekte|\bcults?\b", re.IGNORECASE)
WORDS_PAGE = ROOT / "templates/public/words.html"


def test_no_template_but_the_words_page_uses_the_word():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if path != WORDS_PAGE and WORD.search(path.read_text())
    ]
    assert offenders == []


def test_the_words_page_does_explain_the_word():
    assert WORD.search(WORDS_PAGE.read_text())


def test_translations_use_the_word_only_in_the_words_context():
    entries = po_entries(ROOT / "locale/en/LC_MESSAGES/django.po", with_context=True)
    assert any(ctxt == "woorden" for ctxt, *_ in entries)
    offenders = [
        msgid
        for ctxt, msgid, msgstr, _ in entries
        if (WORD.search(msgid) or WORD.search(msgstr)) and ctxt != "woorden"
    ]
    assert offenders == []


def test_seeded_content_and_code_never_use_the_word():
    sources = [*ROOT.glob("*/migrations/*.py"), *ROOT.glob("static/**/*.js")]
    sources += [
        p
        for p in ROOT.glob("*/*.py")
        if p.parent.name in ("hoc", "public", "partners", "common", "chat", "accounts", "handover")
    ]
    offenders = [str(p.relative_to(ROOT)) for p in sources if WORD.search(p.read_text())]
    assert offenders == []


def test_rendered_pages_other_than_the_words_page_never_show_it(db):
    from tests.public.test_public_pages import PAGES

    for prefix in ("", "/en"):
        for path in PAGES:
            if path == "/onze-woorden/":
                continue
            html = Client().get(prefix + path).content.decode()
            assert not WORD.search(html), prefix + path
