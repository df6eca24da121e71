"""Who may reach what: every role against every URL pattern, HTTP and WebSocket.

The POLICY table below must name every pattern the resolver knows (i18n ones included) and
every WebSocket route: a new endpoint without a row fails `test_every_endpoint_has_a_policy`,
naming it. A row says which roles may use the endpoint; every other role must be refused
(403, 404, 410, or a redirect to a log-in page) and must not see the object's content.
Requests that change state (POST) are only made as the refused roles.

Roles: anonymous (no session), robin (the client whose conversation it is), ruth (another
client), hana (the counsellor holding it), otto (a counsellor without it), sam (supervisor),
admin.
"""

import datetime
import uuid
from dataclasses import dataclass, field

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation

from accounts import staff
from accounts.models import User
from chat import appointments, conversations, queue
from chat.models import CannedResponse, Message
from chat.routing import websocket_urlpatterns
from tests.conftest import log_in
from tests.helpers.sockets import open_socket

pytestmark = pytest.mark.django_db(transaction=True)

ANON, ROBIN, RUTH, HANA, OTTO, SAM, ADMIN = (
    "anonymous",
    "robin",
    "ruth",
    "hana",
    "otto",
    "sam",
    "admin",
)
ROLES = (ANON, ROBIN, RUTH, HANA, OTTO, SAM, ADMIN)
EVERYONE = frozenset(ROLES)
CLIENTS = frozenset({ROBIN, RUTH})
STAFF = frozenset({HANA, OTTO, SAM, ADMIN})
SUPERVISORS = frozenset({SAM, ADMIN})
SECRET = "matrix-geheim-bericht-4411"


@dataclass(frozen=True)
class Rule:
    """`allowed`: the roles that may use it. `method`: how it is called. `args`: names of
    the objects its URL parameters take (see `objects`). `public`: no denial to check,
    only that nobody gets a server error."""

    allowed: frozenset
    method: str = "GET"
    args: dict = field(default_factory=dict)
    public: bool = False


def public(method="GET", **args):
    return Rule(EVERYONE, method, args, public=True)


# ======================================================================================
# POLICY: one row per URL pattern, as the resolver spells it. ADD A ROW WITH EVERY NEW URL.
# The roles come from the view's decorator (@staff_required, @supervisor_required,
# @client_required) and the object check behind it (get_conversation_for,
# referrals.get_for_staff, ...).
# ======================================================================================
CONV = {"conversation_id": "conversation"}
REFERRAL = {"referral_id": "referral"}
APPOINTMENT = {"appointment_id": "appointment"}
POLICY = {
    # --- public site and the chat's entry (hoc/urls.py) ---
    "snel-weg/": public("POST"),
    "robots.txt": public(),
    "": public(),
    "herken-je-dit/": public(),
    "hulpwijzer/": public(),
    "hulpwijzer/<int:pk>/": public(pk="guide_node"),
    "naasten/": public(),
    "professionals/": public(),
    "veilig-surfen/": public(),
    "privacy/": public(),
    "toegankelijkheid/": public(),
    "onze-woorden/": public(),
    "chat/": public(),
    "chat/bewaren/": public("POST"),
    # Answers only with this session's one-time token (chat/feedback.py); nothing to see.
    "chat/vragen/": public("POST"),
    # --- the client's chat history (chat/urls.py) ---
    "chat/bewaard/": Rule(CLIENTS),
    "chat/eerder/": Rule(CLIENTS),
    "chat/eerder/<uuid:conversation_id>/": Rule({ROBIN}, args=CONV),
    "chat/eerder/<uuid:conversation_id>/bestand/": Rule({ROBIN}, args=CONV),
    # --- guests: a partner's professional with a one-time link (chat/guest_views.py) ---
    "chat/gast/": Rule(frozenset()),  # only a session that redeemed a link
    "chat/gast/<str:token>/": Rule(frozenset(), args={"token": "bad_token"}),
    # --- consent cards in the visitor's chat (handover) ---
    "chat/toestemming/<uuid:conversation_id>/": Rule({ROBIN}, args=CONV),
    "chat/toestemming/besluit/<uuid:referral_id>/": Rule({ROBIN}, "POST", REFERRAL),
    # --- follow-up appointments' cards in the visitor's chat (chat/appointment_views.py) ---
    "chat/afspraken/<uuid:conversation_id>/": Rule({ROBIN}, args=CONV),
    "chat/afspraak/<uuid:appointment_id>/": Rule({ROBIN}, "POST", APPOINTMENT),
    # --- client accounts (accounts/urls.py) ---
    "account/": Rule(CLIENTS),
    "account/nieuw/": public(),
    "account/bevestigen/": public("POST"),
    "account/inloggen/": public(),
    "account/uitloggen/": public("POST"),
    "account/naam/": Rule(CLIENTS, "POST"),
    "account/nieuwe-zin/": Rule(CLIENTS),
    "account/wissen/": Rule(CLIENTS),
    "account/toestemming/<uuid:referral_id>/": Rule(
        {ROBIN}, args={"referral_id": "approved_referral"}
    ),
    "account/toestemming/<uuid:referral_id>/intrekken/": Rule({ROBIN}, "POST", REFERRAL),
    # --- staff log-in (accounts/urls.py) ---
    "medewerkers/": Rule(STAFF),
    "medewerkers/inloggen/": public(),
    "medewerkers/code/": Rule(STAFF),
    "medewerkers/app-koppelen/": Rule(frozenset()),  # verified staff are sent to the code
    # An admin's one-time link: an unknown token is gone (410) for everyone.
    "medewerkers/app-koppelen/<str:token>/": Rule(frozenset(), args={"token": "bad_token"}),
    "medewerkers/uitloggen/": public("POST"),
    # --- counsellor workspace (chat/urls.py counsel_urlpatterns) ---
    "medewerkers/wachtrij/": Rule(STAFF),
    "medewerkers/status/": Rule(STAFF, "POST"),
    "medewerkers/status/geluid/": Rule(STAFF, "POST"),
    "medewerkers/status/wachtrij/": Rule(STAFF),  # the top bar's waiting count
    "medewerkers/wachtrij/volgende/": Rule(STAFF, "POST"),  # "Volgende aannemen"
    "medewerkers/gesprek/<uuid:conversation_id>/": Rule({HANA}, args=CONV),
    "medewerkers/gesprek/<uuid:conversation_id>/aannemen/": Rule(STAFF, "POST", CONV),
    "medewerkers/gesprek/<uuid:conversation_id>/notitie/": Rule({HANA}, "POST", CONV),
    "medewerkers/gesprek/<uuid:conversation_id>/overdragen/": Rule({HANA}, "POST", CONV),
    "medewerkers/gesprek/<uuid:conversation_id>/hulp/": Rule({HANA}, "POST", CONV),
    "medewerkers/gesprek/<uuid:conversation_id>/blokkeren/": Rule({HANA}, "POST", CONV),
    # A returning client's earlier chats (chat/client_history.py): the chat's counsellor.
    "medewerkers/gesprek/<uuid:conversation_id>/eerder/": Rule({HANA}, args=CONV),
    # One earlier chat of the same client: the matrix's client has none, so nobody.
    "medewerkers/gesprek/<uuid:conversation_id>/eerder/<uuid:earlier_id>/": Rule(
        frozenset(), args={**CONV, "earlier_id": "random_uuid"}
    ),
    "medewerkers/gesprek/<uuid:conversation_id>/afronden/": Rule({HANA}, "POST", CONV),
    "medewerkers/gesprek/<uuid:conversation_id>/vervolgafspraak/": Rule({HANA}, args=CONV),
    "medewerkers/afspraak/<uuid:appointment_id>/": Rule({HANA}, "POST", APPOINTMENT),
    "medewerkers/snelle-antwoorden/": Rule(SUPERVISORS),
    "medewerkers/snelle-antwoorden/<int:pk>/": Rule(SUPERVISORS, args={"pk": "canned"}),
    "medewerkers/snelle-antwoorden/<int:pk>/wissen/": Rule(SUPERVISORS, "POST", {"pk": "canned"}),
    # --- supervisors (oversight/urls.py) ---
    "medewerkers/overzicht/": Rule(SUPERVISORS),
    "medewerkers/overzicht/antwoordtijd/": Rule(SUPERVISORS, "POST"),
    "medewerkers/overzicht/gesprek/<uuid:conversation_id>/": Rule(SUPERVISORS, args=CONV),
    "medewerkers/overzicht/blokkade/<uuid:block_id>/": Rule(
        SUPERVISORS, "POST", {"block_id": "random_uuid"}
    ),
    "medewerkers/overzicht/logboek/": Rule(SUPERVISORS),
    "medewerkers/overzicht/statistiek/": Rule(SUPERVISORS),
    "medewerkers/overzicht/reacties/": Rule(SUPERVISORS),
    "medewerkers/overzicht/statistiek/export.csv": Rule(SUPERVISORS),
    "medewerkers/overzicht/evaluatie/": Rule(SUPERVISORS),
    "medewerkers/overzicht/evaluatie/export.csv": Rule(SUPERVISORS),
    # --- referrals (handover/urls.py) ---
    "medewerkers/verwijzingen/": Rule(STAFF),
    "medewerkers/verwijzingen/nieuw/<uuid:conversation_id>/": Rule({HANA}, args=CONV),
    "medewerkers/verwijzingen/nieuw/<uuid:conversation_id>/zonder-toestemming/": Rule(
        {HANA}, args=CONV
    ),
    "medewerkers/verwijzingen/<uuid:referral_id>/": Rule({HANA, SAM, ADMIN}, args=REFERRAL),
    "medewerkers/verwijzingen/<uuid:referral_id>/wijzigen/": Rule({HANA}, args=REFERRAL),
    # Printable once approved: the drafter and the reviewers.
    "medewerkers/verwijzingen/<uuid:referral_id>/afdrukken/": Rule(
        {HANA, SAM, ADMIN}, args={"referral_id": "approved_referral"}
    ),
    "medewerkers/verwijzingen/<uuid:referral_id>/stap/<slug:step>/": Rule(
        {HANA}, "POST", {**REFERRAL, "step": "submit"}
    ),
    "medewerkers/verwijzingen/<uuid:referral_id>/gast/<uuid:invitation_id>/verwijderen/": Rule(
        {HANA}, "POST", {**REFERRAL, "invitation_id": "random_uuid"}
    ),
    # --- the admin: every one of its patterns. Admins only: `createstaff` gives Django's
    # is_staff to the admin role alone (README says "supervisors and admins"; the code wins).
    "beheer/…": Rule({ADMIN}),
    # --- WebSockets (chat/routing.py) ---
    "ws/chat/<uuid:conversation_id>/": Rule({ROBIN, HANA}, "WS", CONV),
    "ws/queue/": Rule(STAFF, "WS"),
}
# ======================================================================================

ADMIN_PREFIX = "beheer/"
LOGIN_PAGES = (
    "/medewerkers/inloggen/",
    "/medewerkers/code/",
    "/account/inloggen/",
    "/beheer/login/",
)


def http_patterns(patterns=None, prefix=""):
    """Every route the resolver knows, i18n ones under their default-language spelling."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from http_patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield prefix + str(entry.pattern)


def policy_key(route):
    return "beheer/…" if route.startswith(ADMIN_PREFIX) else route


def all_routes():
    return [*http_patterns(), *(str(p.pattern) for p in websocket_urlpatterns)]


def test_every_endpoint_has_a_policy():
    unlisted = sorted({policy_key(r) for r in all_routes()} - POLICY.keys())
    assert not unlisted, f"URL patterns without a row in POLICY ({__file__}): {unlisted}"
    stale = sorted(POLICY.keys() - {policy_key(r) for r in all_routes()})
    assert not stale, f"POLICY rows for patterns that no longer exist: {stale}"


def i18n_routes():
    """The routes under i18n_patterns: each is served under /en/ too, and checked there."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
            return set(http_patterns(entry.url_patterns))
    return set()


def test_the_english_urls_are_the_same_patterns():
    english = i18n_routes()
    assert "chat/eerder/<uuid:conversation_id>/" in english
    for route in english - {r for r in english if "<" in r}:
        with translation.override("en"):
            in_english = resolve("/en/" + route).func
        assert in_english == resolve("/" + route).func, route


@pytest.fixture
def world(db):
    robin = User.objects.create_user(username="robin-client", role=User.Role.CLIENT)
    ruth = User.objects.create_user(username="ruth-client", role=User.Role.CLIENT)
    # As `createstaff` makes them: only the admin role gets Django's is_staff (the admin site).
    password = "een lang genoeg wachtwoord"
    hana = staff.create_staff("hana", User.Role.COUNSELLOR, password)
    otto = staff.create_staff("otto", User.Role.COUNSELLOR, password)
    sam = staff.create_staff("sam", User.Role.SUPERVISOR, password)
    admin = staff.create_staff("admin", User.Role.ADMIN, password)
    conversation = conversations.open_conversation(
        for_whom="self", minor="no", in_danger=False, client=robin
    )
    queue.claim(conversation, hana)
    conversations.post_message(conversation, Message.Sender.VISITOR, SECRET, uuid.uuid4(), robin)
    users = {ROBIN: robin, RUTH: ruth, HANA: hana, OTTO: otto, SAM: sam, ADMIN: admin}
    cookies = {ANON: None}
    cookies.update(
        {name: log_in(Client(), user).session.session_key for name, user in users.items()}
    )
    return {
        "cookies": cookies,
        "objects": {
            "conversation": conversation.pk,
            "referral": draft_referral(conversation, hana).pk,
            "approved_referral": approved_referral(conversation, hana, robin, sam).pk,
            "canned": CannedResponse.objects.create(title="t", body="b").pk,
            "appointment": appointments.propose(
                conversation, hana, timezone.now() + datetime.timedelta(days=2)
            ).pk,
            "guide_node": guide_node_pk(),
            "random_uuid": uuid.uuid4(),
            "bad_token": "not-a-token",
            "submit": "indienen",
        },
    }


def draft_referral(conversation, counsellor):
    from handover import referrals
    from handover.models import Referral
    from partners.models import Partner

    partner, _ = Partner.objects.get_or_create(
        slug="matrix-partner",
        defaults=dict(
            name="Partner",
            kind=Partner.Kind.values[0],
            summary="-",
            anonymous=Partner.Anonymous.values[0],
            accepts_referrals=True,
        ),
    )
    route = next(r for r in referrals.Route.values if r not in referrals.ROUTES_NEEDING_CONTACT)
    return referrals.draft(
        conversation,
        counsellor,
        partner=partner,
        purpose=Referral.Purpose.values[0],
        summary=SECRET,
        shared=[],
        contact_route=route,
    )


def approved_referral(conversation, counsellor, client, supervisor):
    """Asked in the chat, accepted by the client, approved by a supervisor (four eyes)."""
    from handover import referrals

    referral = draft_referral(conversation, counsellor)
    referrals.ask_consent(referral, counsellor)
    referral.refresh_from_db()
    shown = referrals.digest(referral.consent_snapshot)
    referrals.accept(referral, client, SessionStore(), shown_digest=shown)
    referrals.approve(referral, supervisor)
    return referral


def guide_node_pk():
    from public.models import GuideNode

    return GuideNode.objects.values_list("pk", flat=True).first() or 1


def client_for(cookie):
    client = Client()
    if cookie is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def url_for(route, rule, objects):
    path = route
    for name, source in rule.args.items():
        start = path.index(f":{name}>")
        start = path.rindex("<", 0, start)
        end = path.index(">", start) + 1
        path = path[:start] + str(objects[source]) + path[end:]
    return "/" + path


def refused(response):
    if response.status_code in (403, 404, 410):
        return True
    if response.status_code in (301, 302):
        return response["Location"].removeprefix("/en").startswith(LOGIN_PAGES)
    return False


def admin_urls():
    urls = ["/beheer/"]
    for model in django_admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return urls


def test_every_role_is_refused_where_it_must_be(world):
    cookies, objects = world["cookies"], world["objects"]
    english = i18n_routes()
    wrong = []
    for route, rule in POLICY.items():
        if rule.method == "WS":
            continue
        urls = admin_urls() if route == "beheer/…" else [url_for(route, rule, objects)]
        if route in english:
            urls.append("/en" + urls[0])
        for url in urls:
            for role in ROLES:
                allowed = role in rule.allowed
                if rule.method == "POST" and allowed:
                    continue  # a state change: only the refusals are tried
                client = client_for(cookies[role])
                response = client.post(url) if rule.method == "POST" else client.get(url)
                status = response.status_code
                if status >= 500:
                    wrong.append(f"{role} {rule.method} {url}: {status}")
                elif rule.public:
                    continue
                elif allowed and (refused(response) or status >= 400):
                    wrong.append(f"{role} {rule.method} {url}: refused ({status}) but allowed")
                elif not allowed and not refused(response):
                    wrong.append(f"{role} {rule.method} {url}: {status}, must be refused")
                elif not allowed and SECRET.encode() in response.content:
                    wrong.append(f"{role} {rule.method} {url}: refused but shows the content")
    assert not wrong, "\n".join(wrong)


def test_every_role_is_refused_on_the_sockets_where_it_must_be(world):
    cookies, objects = world["cookies"], world["objects"]

    async def connects(path, cookie):
        """(stays open, close code): a refused socket is accepted, then closed at once."""
        communicator, connected, code = await open_socket(path, cookie)
        if not connected:
            return False, code
        if await communicator.receive_nothing(timeout=1):
            await communicator.disconnect()
            return True, None
        return False, (await communicator.receive_output()).get("code")

    wrong = []
    for route, rule in POLICY.items():
        if rule.method != "WS":
            continue
        url = url_for(route, rule, objects)
        for role in ROLES:
            connected, code = async_to_sync(connects)(url, cookies[role])
            if connected != (role in rule.allowed):
                wrong.append(f"{role} {url}: connected={connected} ({code})")
            elif not connected and code not in (4401, 4403):
                # 4401 when there is no session to speak of (the anonymous visitor).
                wrong.append(f"{role} {url}: refused with {code}, not 4401 or 4403")
    assert not wrong, "\n".join(wrong)
