"""Random POST bodies against every form: never a server error.

Each target is a page with a form (chat/forms.py, accounts/forms.py, public/forms.py,
handover/forms.py, oversight/forms.py), posted as the person who would fill it in. The
bodies are Hypothesis's: the form's own field names and some strangers, with random text,
dates, numbers, NUL characters, huge and repeated values, in form-encoded, multipart or
raw bytes that are not UTF-8. A refusal (400, 403, 404, 410, 429) or a redirect is fine; a
500 is not.
"""

import datetime
import uuid

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts import session_keys
from accounts.forms import (
    ConfirmPassphraseForm,
    DisplayNameForm,
    PassphraseForm,
    StaffLoginForm,
    TokenForm,
)
from accounts.models import User
from chat import conversations, queue
from chat.forms import (
    AvailabilityForm,
    BlockForm,
    CannedResponseForm,
    ClosingForm,
    FeedbackForm,
    IntakeForm,
    LeaveMessageForm,
    NoteForm,
    TransferForm,
)
from chat.models import OpeningHours
from handover.forms import ContactForm, MeldcodeForm, ReferralForm
from oversight.feedback_quotes import QuoteForm
from oversight.forms import BlockReviewForm, LookForm
from public.forms import InfoSessionSignupForm
from tests.conftest import log_in

FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "yes",
            "no",
            "self",
            "on",
            "1",
            "0",
            "-1",
            "999999999999999999999",
            "2026-02-30",
            "9999-12-31",
            "0001-01-01",
            "123456",
            "x" * 5000,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
        ]
    ),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str),
    st.integers().map(str),
    st.uuids().map(str),
)


def bodies(field_names):
    names = st.one_of(st.sampled_from(sorted(field_names)), st.text(min_size=1, max_size=10))
    values = st.one_of(text, st.lists(text, min_size=2, max_size=3))
    return st.one_of(
        st.dictionaries(names, values, max_size=len(field_names) + 2).map(lambda d: ("data", d)),
        # Every field present, so more bodies get past "required" into the views' own code.
        st.fixed_dictionaries({name: text for name in sorted(field_names)}).map(
            lambda d: ("data", d)
        ),
        st.binary(max_size=200).map(lambda b: ("raw", b)),
    )


def fields_of(*forms):
    names = set()
    for form in forms:
        names |= set(form.base_fields)
    return names


def post(client, url, body):
    kind, payload = body
    if kind == "raw":
        return client.generic(
            "POST", url, payload, content_type="application/x-www-form-urlencoded"
        )
    return client.post(url, payload)


@pytest.fixture(autouse=True)
def cheap_passphrase_hashes(settings):
    # Every passphrase form pays a 64 MiB Argon2id hash (tested in tests/accounts); the
    # fuzzing is about what the forms do with odd input, not about that cost.
    settings.PASSPHRASE_ARGON2 = {**settings.PASSPHRASE_ARGON2, "memory_cost": 1024}


@pytest.fixture
def chat_open(db):
    for weekday in range(7):
        OpeningHours.objects.create(
            weekday=weekday, opens=datetime.time(0, 0), closes=datetime.time(0, 0)
        )


@pytest.fixture
def people(db, robin, hana, sam):
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=robin
    )
    queue.claim(conversation, hana)
    return {
        "anonymous": Client(),
        "robin": log_in(Client(), robin),
        "hana": log_in(Client(), hana),
        "hana_unverified": log_in(Client(), hana, verified=False),
        "sam": log_in(Client(), sam),
        "conversation": conversation,
    }


def fuzz(client, url, field_names):
    @FUZZ
    @given(bodies(field_names))
    def run(body):
        response = post(client, url, body)
        assert response.status_code < 500, (url, body, response.status_code)

    run()


PUBLIC = [
    ("/professionals/", InfoSessionSignupForm),
    ("/en/professionals/", InfoSessionSignupForm),
    ("/account/inloggen/", PassphraseForm),
    ("/account/bevestigen/", ConfirmPassphraseForm),
    ("/medewerkers/inloggen/", StaffLoginForm),
]


@pytest.mark.parametrize(("url", "form"), PUBLIC, ids=[url for url, _ in PUBLIC])
def test_public_forms_never_answer_500(db, url, form):
    fuzz(Client(), url, fields_of(form))


def test_the_intake_never_answers_500(chat_open):
    fuzz(Client(), "/chat/", fields_of(IntakeForm))


def test_the_questions_after_a_chat_never_answer_500(db):
    client = Client()
    session = client.session
    session[session_keys.FEEDBACK] = "token"  # as the ended page leaves it
    session.save()
    fuzz(client, "/chat/vragen/", fields_of(FeedbackForm) | {"skip", "send"})


def test_leaving_a_message_never_answers_500(people):
    fuzz(people["robin"], "/chat/", fields_of(LeaveMessageForm))  # closed: no opening hours


def test_creating_an_account_never_answers_500(db):
    client = Client()
    client.post("/account/nieuw/")  # a passphrase is on offer in this session
    fuzz(client, "/account/bevestigen/", fields_of(ConfirmPassphraseForm))


@pytest.mark.parametrize(
    ("url", "forms"),
    [
        ("/account/naam/", [DisplayNameForm]),
        ("/account/nieuwe-zin/", [ConfirmPassphraseForm]),
    ],
)
def test_client_account_forms_never_answer_500(people, url, forms):
    names = fields_of(*forms) | {"confirm"}
    fuzz(people["robin"], url, names)


def test_replacing_a_passphrase_never_answers_500(people):
    robin = people["robin"]
    robin.post("/account/nieuwe-zin/")  # a new passphrase is on offer
    fuzz(robin, "/account/nieuwe-zin/", fields_of(ConfirmPassphraseForm) | {"confirm"})


@pytest.mark.parametrize("url", ["/medewerkers/code/", "/medewerkers/app-koppelen/"])
def test_the_second_factor_never_answers_500(people, url):
    fuzz(people["hana_unverified"], url, fields_of(TokenForm) | {"next"})


def test_the_workspace_forms_never_answer_500(people):
    base = f"/medewerkers/gesprek/{people['conversation'].pk}/"
    targets = [
        ("/medewerkers/status/", [AvailabilityForm]),
        ("/medewerkers/status/geluid/", []),
        (base + "notitie/", [NoteForm]),
        (base + "overdragen/", [TransferForm]),
        (base + "hulp/", []),
        (base + "blokkeren/", [BlockForm]),
        (base + "afronden/", [ClosingForm]),
        (f"/medewerkers/verwijzingen/nieuw/{people['conversation'].pk}/", [ReferralForm]),
        (
            f"/medewerkers/verwijzingen/nieuw/{people['conversation'].pk}/zonder-toestemming/",
            [MeldcodeForm],
        ),
    ]
    for url, forms in targets:
        fuzz(people["hana"], url, fields_of(*forms) | {"muted", "status", "next"})


def test_the_supervisors_forms_never_answer_500(people):
    targets = [
        ("/medewerkers/snelle-antwoorden/", [CannedResponseForm]),
        (f"/medewerkers/overzicht/gesprek/{people['conversation'].pk}/", [LookForm]),
        (f"/medewerkers/overzicht/blokkade/{uuid.uuid4()}/", [BlockReviewForm]),
        ("/medewerkers/overzicht/reacties/", [QuoteForm]),
    ]
    for url, forms in targets:
        fuzz(people["sam"], url, fields_of(*forms) | {"keep", "discard"})


def test_the_consent_card_never_answers_500(people):
    from handover import referrals
    from handover.models import Referral
    from partners.models import Partner

    partner = Partner.objects.create(
        slug="fuzz-partner",
        name="Partner",
        kind=Partner.Kind.values[0],
        summary="-",
        anonymous=Partner.Anonymous.values[0],
        accepts_referrals=True,
    )
    route = next(r for r in referrals.Route.values if r not in referrals.ROUTES_NEEDING_CONTACT)
    referral = referrals.draft(
        people["conversation"],
        User.objects.get(username="hana"),
        partner=partner,
        purpose=Referral.Purpose.values[0],
        summary="samenvatting",
        shared=[],
        contact_route=route,
    )
    referrals.ask_consent(referral, User.objects.get(username="hana"))
    names = fields_of(ContactForm) | {"decision", "digest"}
    fuzz(people["robin"], f"/chat/toestemming/besluit/{referral.pk}/", names)
    fuzz(
        people["hana"],
        f"/medewerkers/verwijzingen/{referral.pk}/wijzigen/",
        fields_of(ReferralForm),
    )
    for step in ("goedkeuren", "terugsturen", "verstuurd", "uitnodigen"):
        fuzz(
            people["sam"],
            f"/medewerkers/verwijzingen/{referral.pk}/stap/{step}/",
            {"comments", "method", "decision"},
        )


def test_a_guest_link_with_any_token_never_answers_500(db):
    from urllib.parse import quote

    @FUZZ
    @given(st.text(min_size=1, max_size=80), st.booleans())
    def run(token, posting):
        client = Client()
        url = f"/chat/gast/{quote(token, safe='')}/"
        response = client.post(url) if posting else client.get(url)
        assert response.status_code < 500, (token, response.status_code)

    run()
