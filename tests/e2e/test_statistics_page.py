"""The supervisors' statistics page in a browser, with a fortnight of planted figures:
what is exact and what is suppressed is said on the page, the hour-of-day chart shows with
its table folded, and axe finds nothing serious. Screenshots with HOC_SCREENSHOTS_DIR."""

import pytest

from tests.helpers.browser import (
    orm,
    screenshots,
    serious_problems,
    staff_log_in,
    staff_screenshots,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "een lang genoeg wachtwoord"
PAGE = "/medewerkers/overzicht/statistiek/?start=2026-11-02&end=2026-11-15"


def plant():
    """The hand-worked fortnight of tests/oversight/seed.py, with reply times, online
    spans (two counsellors a day, 18:00–22:00 and 19:00–23:00) and five referrals."""
    from datetime import timedelta

    from accounts.staff import create_staff
    from chat.models import ContactRecord, OnlineSpan, ReplyTime
    from handover.models import Referral
    from partners.models import Partner
    from tests.oversight.seed import local, seed

    create_staff("sam", "supervisor", PASSWORD)
    seed()
    for i, record in enumerate(ContactRecord.objects.filter(result="answered")):
        record.first_reply_seconds = 15 + 7 * i
        record.save(update_fields=["first_reply_seconds"])
        ReplyTime.objects.bulk_create(
            ReplyTime(record=record, seconds=30 + 11 * ((i + n) % 9)) for n in range(4)
        )
    for day in range(2, 16):
        for start, chats in ((18, 2 + day % 3), (19, 1 + day % 2)):
            started = local(f"2026-11-{day:02d}", start)
            OnlineSpan.objects.create(
                started_at=started, ended_at=started + timedelta(hours=4), chats=chats
            )
    partner = Partner.objects.create(
        slug="test-hulp", name="Test-hulp", kind=Partner.Kind.CARE, summary="-"
    )
    drafted = local("2026-11-03", 20)
    for i in range(5):
        referral = Referral.objects.create(
            partner=partner, purpose="advice", summary="-", state=Referral.State.SENT
        )
        approved = drafted + timedelta(hours=2 + i)
        Referral.objects.filter(pk=referral.pk).update(
            created_at=drafted, reviewed_at=approved, sent_at=approved + timedelta(hours=20)
        )


def test_the_statistics_page_says_what_is_exact_and_folds_the_hour_table(
    browser_context, server_url
):
    from playwright.sync_api import expect

    orm(plant)
    page = browser_context.browser.new_context(locale="nl-NL").new_page()
    staff_log_in(page, server_url, "sam", PASSWORD, "/medewerkers/overzicht/statistiek/")
    page.goto(server_url + PAGE)
    expect(page.get_by_role("heading", name="Exacte cijfers, alleen voor het team")).to_be_visible()
    export = page.get_by_role(
        "heading", name="Voor buiten de organisatie: kleine aantallen afgeschermd"
    )
    expect(export).to_be_visible()
    expect(page.get_by_role("link", name="Download als CSV (afgeschermd)")).to_be_visible()
    expect(page.get_by_role("img", name="Contacten per uur van de dag")).to_be_visible()
    hour_table = page.get_by_role("table", name="Contacten per uur van de dag")
    expect(hour_table).to_be_hidden()
    page.get_by_text("Tabel: contacten per uur van de dag").click()
    expect(hour_table).to_be_visible()
    page.get_by_text("Tabel: contacten per uur van de dag").click()
    expect(hour_table).to_be_hidden()
    assert serious_problems(page) == []
    page.evaluate("window.scrollTo(0, 0)")  # the pictures show the top: what is exact, what not
    staff_screenshots(page, "statistics")
    screenshots(page, "statistics")  # the whole page, phone and desktop (HOC_SCREENSHOTS)
