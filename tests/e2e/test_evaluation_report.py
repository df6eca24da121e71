"""The evaluation report printed as a supervisor would: the browser's print to PDF gives a
document of several pages without the staff top bar or the controls. With
HOC_SCREENSHOTS_DIR set, the PDF's pages are also turned into PNGs (pdftoppm, Debian's
poppler-utils) as docs/screenshots/evaluation-report-page-N.png for a person to look at."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.helpers.browser import orm, serious_problems, staff_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
REPORT = "/medewerkers/overzicht/evaluatie/"


def plant():
    from accounts.staff import create_staff
    from tests.oversight.evaluation_seed import plant_pilot

    create_staff("sam", "supervisor", PASSWORD)
    plant_pilot()


def pages_of(pdf):
    """The page count a PDF says it has (its page tree's /Count)."""
    return max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))


def text_of(pdf_path):
    return subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_report_prints_as_a_clean_document(browser_context, server_url, tmp_path):
    from playwright.sync_api import expect

    orm(plant)
    page = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(page, server_url, "sam", PASSWORD, REPORT)
    expect(page.get_by_role("heading", name="Evaluatie van de pilot")).to_be_visible()
    expect(page.locator(".top-bar")).to_be_visible()  # on screen the bar is there
    assert serious_problems(page) == []
    page.set_viewport_size({"width": 375, "height": 812})  # a phone: nothing wider than it
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > 376 && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide
    page.set_viewport_size({"width": 1366, "height": 768})

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pages_of(pdf) > 1
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if not shutil.which("pdftotext"):
        skip_or_fail("reading the printed report needs pdftotext (Debian's poppler-utils)")
    text = " ".join(text_of(path).split())
    assert "Evaluatie van de pilot" in text
    assert "Trends en ontwikkelingen — voor partners" in text
    assert "medewerkers" not in text  # the top bar's brand
    assert "Uitloggen" not in text and "Toon" not in text.split()
    assert "geheime eigen woorden" not in text  # free text never in the report
    assert re.search(r"\d+ / \d+", text)  # page numbers in the margin

    # Only the partners' part: its own document, without quotes.
    page.goto(server_url + REPORT + "?deel=partners")
    expect(
        page.get_by_role("heading", name="Trends en ontwikkelingen — voor partners")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Evaluatie van de pilot")).to_have_count(0)
    expect(page.get_by_text("Fijn dat ik anoniem kon praten.")).to_have_count(0)
    partners = page.pdf(format="A4")
    assert pages_of(partners) >= 1

    target = os.environ.get("HOC_SCREENSHOTS_DIR")
    if target and shutil.which("pdftoppm"):
        partners_path = tmp_path / "partners.pdf"
        partners_path.write_bytes(partners)
        # A few pages: the cover, the summary, the charts; the partners' part's first page.
        pictures(path, 1, 3, Path(target), "evaluation-report-page")
        pictures(partners_path, 1, 1, Path(target), "evaluation-report-partners-page")


def pictures(pdf_path, first, last, target, name):
    """Pages `first` to `last` of a PDF as `<target>/<name>-N.png` (pdftoppm)."""
    target.mkdir(parents=True, exist_ok=True)
    prefix = pdf_path.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", str(first), "-l", str(last), pdf_path, prefix],
        check=True,
    )
    for png in sorted(pdf_path.parent.glob(f"{prefix.name}-*.png")):
        number = int(png.stem.rsplit("-", 1)[1])
        shutil.copy(png, target / f"{name}-{number}.png")
