"""A pilot of two quarters for the evaluation report: from 1 July 2026 (the first contact)
to the hand-worked fortnight of tests/oversight/seed.py in November, with closing forms,
themes, referrals and the visitors' feedback. Deterministic."""

from datetime import date, timedelta

from chat.models import ContactRecord, Conversation, Feedback
from handover.models import Referral
from partners.models import Partner
from tests.oversight.seed import contact, local, seed

FOR_WHOM = ["self", "self", "relative", "self", "professional", "relative", "self"]
GROUPS = ["religious", "religious", "therapy", "family", "online", "religious", "unknown"]
OUTCOMES = ["listened", "information", "listened", "referral", "pointed", "safety_plan"]
THEMES = [("psychological",), ("leaving", "psychological"), ("shunning",), ("children",)]


def plant_pilot():
    seed()  # November: 30 contacts
    for n in range(46):  # July to mid-October, every other day or so
        started = local("2026-07-01", 9 + n % 10) + timedelta(days=int(n * 2.3))
        contact(
            started,
            for_whom=FOR_WHOM[n % len(FOR_WHOM)],
            minor=Conversation.Minor.YES if n % 11 == 0 else Conversation.Minor.NO,
            in_danger=n % 9 == 0,
            result=ContactRecord.Result.ANSWERED if n % 6 else ContactRecord.Result.ABANDONED,
            wait_seconds=40 + 13 * (n % 17),
            duration_seconds=600 + 97 * (n % 23) if n % 6 else None,
            group_context=GROUPS[n % len(GROUPS)],
            outcome=OUTCOMES[n % len(OUTCOMES)],
            closed_at=started + timedelta(hours=1),
            themes=THEMES[n % len(THEMES)],
        )
    police = Partner.objects.create(
        slug="politie-test", name="Politie (test)", kind=Partner.Kind.POLICE, summary="-"
    )
    care = Partner.objects.create(
        slug="zorg-test", name="Hulpverlening (test)", kind=Partner.Kind.CARE, summary="-"
    )
    for n in range(14):
        referral = Referral.objects.create(
            partner=police if n % 3 == 0 else care,
            purpose="advice",
            summary="-",
            state=Referral.State.SENT if n % 2 else Referral.State.CLOSED,
        )
        made = local("2026-07-03", 11) + timedelta(days=9 * n)
        Referral.objects.filter(pk=referral.pk).update(created_at=made)
    answers = [("yes", "yes"), ("partly", "maybe"), ("yes", "yes"), ("no", "no"), ("", "yes")]
    for n in range(27):
        got, again = answers[n % len(answers)]
        Feedback.objects.create(
            month=date(2026, 7 + n % 5, 1),
            got_what_came_for=got,
            would_chat_again=again,
            better="geheime eigen woorden" if n % 4 == 0 else "",
            quote="Fijn dat ik anoniem kon praten." if n == 4 else "",
        )
