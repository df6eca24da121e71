"""How an audit entry reads to people: who did it, what they did, about which conversation
or referral, and every code of its detail in words ("aan sam (supervisor)", not "to=4").

The one place that turns entries into words. It lives in oversight, not in audit, because
the words come from the apps above audit (conversation and referral states, partners, the
look's reasons), which audit may not import. The entry itself stays codes and ids only;
nothing here reads what anyone wrote in a chat, a note or a referral.
"""

import uuid
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import AuditEntry
from chat.forms import BlockForm
from chat.models import CannedResponse, Conversation, GuestInvitation
from handover.models import Referral
from oversight.looks import Reason
from partners.models import Partner

Action = AuditEntry.Action

# The audit log's vocabulary: the detail keys each action writes (`key=value`, or a bare
# flag). A new action needs its line here, and a new key its words in VALUE_WORDS or
# FLAG_WORDS below; tests/oversight/test_audit_wording.py fails until both are there. An
# entry written with a key these tables do not know still reads safely, as "key: value".
DETAIL_KEYS = {
    Action.CONVERSATION_VIEWED: ("reason",),
    Action.CONVERSATION_CLAIMED: ("reserved",),
    Action.CONVERSATION_TRANSFERRED: ("to",),
    Action.CONVERSATION_ENDED: ("by", "state", "left"),
    Action.CONVERSATION_CLOSED: (),
    Action.NOTE_ADDED: (),
    Action.VISITOR_BLOCKED: ("duration",),
    Action.BLOCK_REVIEWED: ("lifted", "upheld"),
    Action.HELP_REQUESTED: (),
    Action.HELP_ANSWERED: (),
    Action.CANNED_CHANGED: ("saved", "deleted"),
    Action.REFERRAL_DRAFTED: ("partner", "without_consent"),
    Action.REFERRAL_CHANGED: ("fields", "state", "revise"),
    Action.REFERRAL_CONSENT_ASKED: ("state",),
    Action.REFERRAL_CONSENT_GIVEN: ("state",),
    Action.REFERRAL_CONSENT_DECLINED: ("state", "account_deleted"),
    Action.REFERRAL_CONSENT_WITHDRAWN: ("state", "account_deleted"),
    Action.REFERRAL_SUBMITTED: ("state", "without_consent", "resubmit"),
    Action.REFERRAL_APPROVED: ("state",),
    Action.REFERRAL_RETURNED: ("state",),
    Action.REFERRAL_SENT: ("state", "method"),
    Action.REFERRAL_ACKNOWLEDGED: ("state",),
    Action.REFERRAL_CLOSED: ("state",),
    Action.REFERRAL_CANCELLED: ("state",),
    Action.REFERRAL_VIEWED: (),
    Action.REFERRAL_PRINTED: (),
    Action.GUEST_INVITED: ("invitation",),
    Action.GUEST_JOINED: ("invitation",),
    Action.GUEST_REMOVED: ("invitation", "left", "consent_ended"),
    Action.REPLY_WAITS_CHANGED: ("amber", "red"),
    Action.WHISPERED: (),
    Action.CONVERSATION_JOINED: (),
    Action.CONVERSATION_SECOND_LEFT: (),
    Action.APPOINTMENT_PROPOSED: (),
    Action.APPOINTMENT_ACCEPTED: (),
    Action.APPOINTMENT_DECLINED: (),
    Action.APPOINTMENT_RESCHEDULED: (),
    Action.APPOINTMENT_CANCELLED: (),
    Action.FEEDBACK_QUOTE_KEPT: (),
    Action.FEEDBACK_TEXT_DISCARDED: (),
    Action.CLIENT_HISTORY_VIEWED: ("shown", "from"),
    Action.EVALUATION_VIEWED: ("period", "part"),
    Action.EVALUATION_DOWNLOADED: ("period",),
}

# What the referral form's fields are called, for "fields=summary,shared".
REFERRAL_FIELDS = {
    "partner": gettext_lazy("partner"),
    "purpose": gettext_lazy("doel"),
    "summary": gettext_lazy("samenvatting"),
    "shared": gettext_lazy("wat de partner krijgt"),
    "contact_route": gettext_lazy("hoe de partner contact opneemt"),
    "concern": gettext_lazy("soort onveiligheid"),
    "children_involved": gettext_lazy("kinderen betrokken"),
    "justification": gettext_lazy("afweging volgens de meldcode"),
    "client_informed": gettext_lazy("cliënt ingelicht"),
    "not_informed_reason": gettext_lazy("waarom de cliënt niet is ingelicht"),
}

LABEL_FIELDS = ("client", "for_whom", "minor", "in_danger", "language", "claimed_at", "state")

SENDERS = {
    "visitor": gettext_lazy("door de bezoeker"),
    "counsellor": gettext_lazy("door de hulpverlener"),
    "system": gettext_lazy("door het systeem"),
}


@dataclass
class Line:
    """One entry as the audit log page shows it."""

    entry: AuditEntry
    who: str
    role: str
    what: str
    details: list = field(default_factory=list)
    # The conversation and referral while they still exist (each has its own retention).
    conversation: Conversation | None = None
    referral: Referral | None = None

    @property
    def code(self):
        """The chat's short code, as the workspace and the overview name it."""
        if self.entry.conversation_id is None:
            return ""
        return Conversation.code_of(self.entry.conversation_id)

    @property
    def reason(self):
        """A look's stated explanation: staff's own words, never anything from the chat."""
        return self.entry.reason


def parse(detail):
    """`"by=visitor state=ended left"` → `[("by", "visitor"), ("state", "ended"), ("left",
    None)]`, in the order written. Never fails: the detail is at most 200 characters."""
    parsed = []
    for token in detail.split():
        key, sep, value = token.partition("=")
        parsed.append((key, value if sep else None))
    return parsed


class Known:
    """What a page of entries points to, fetched once for the page: staff, partners,
    canned responses, guest invitations, conversations and referrals."""

    def __init__(self, entries):
        wanted = {key: set() for key in ("to", "partner", "saved", "invitation")}
        for entry in entries:
            for key, value in parse(entry.detail):
                if key in wanted and value:
                    wanted[key].add(value)
        self.users = {
            u.pk: u
            for u in User.objects.filter(pk__in=_ints(wanted["to"])).only("username", "role")
        }
        self.partners = {p.slug: p for p in Partner.objects.filter(slug__in=wanted["partner"])}
        self.canned = {
            c.pk: c for c in CannedResponse.objects.filter(pk__in=_ints(wanted["saved"]))
        }
        self.invitations = {
            i.pk: i
            for i in GuestInvitation.objects.filter(pk__in=_uuids(wanted["invitation"])).only(
                "partner_name"
            )
        }
        conversation_ids = {e.conversation_id for e in entries if e.conversation_id}
        # Only what the chat's label reads (chat/includes/conversation_label.html): no topic.
        self.conversations = Conversation.objects.only(*LABEL_FIELDS).in_bulk(conversation_ids)
        referral_ids = {e.referral_id for e in entries if e.referral_id}
        self.referrals = (
            Referral.objects.select_related("partner")
            .only("state", "partner__name", "partner__name_en")
            .in_bulk(referral_ids)
        )


def _int(value):
    """A primary key written as `to=4`, or None for anything else."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _ints(values):
    return [number for number in map(_int, values) if number is not None]


def _uuids(values):
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def _label(choices, code):
    return choices(code).label if code in choices.values else code


def action_words(action):
    """The action's label; an action this code no longer (or not yet) knows, as its code."""
    return str(_label(Action, action))


# --- Each detail key in words: (value, action, known) → text -----------------------------


def _reason(value, action, known):
    return _("reden: %(reason)s") % {"reason": _label(Reason, value)}


def _to(value, action, known):
    user = known.users.get(_int(value))
    if user is None:
        return _("aan een medewerker die niet meer bestaat")
    return _("aan %(name)s") % {"name": _person(user.username, user.role)}


def _by(value, action, known):
    return str(SENDERS.get(value, value))


def _state(value, action, known):
    states = Conversation.State if action.startswith("conversation.") else Referral.State
    return _("status: %(state)s") % {"state": _label(states, value)}


def _duration(value, action, known):
    durations = dict(BlockForm.base_fields["duration"].choices)
    return _("voor %(duration)s") % {"duration": durations.get(value, value)}


def _saved(value, action, known):
    response = known.canned.get(_int(value))
    if response is None:
        return _("opgeslagen (inmiddels gewist)")
    return _("‘%(title)s’ opgeslagen") % {"title": response.title}


def _partner(value, action, known):
    partner = known.partners.get(value)
    return _("naar %(partner)s") % {"partner": partner.name if partner else value}


def _fields(value, action, known):
    names = [str(REFERRAL_FIELDS.get(name, name)) for name in value.split(",") if name]
    return _("gewijzigd: %(fields)s") % {"fields": ", ".join(names)}


def _method(value, action, known):
    return _("manier: %(method)s") % {"method": _label(Referral.SendMethod, value)}


def _invitation(value, action, known):
    found = _uuids([value])
    invitation = known.invitations.get(found[0]) if found else None
    if invitation is None:
        return _("een professional van een partner")
    return _("professional van %(partner)s") % {"partner": invitation.partner_name}


def _minutes(value):
    seconds = _int(value.removesuffix("s"))
    if seconds is None:
        return value
    if seconds % 60:
        return _("%(seconds)s seconden") % {"seconds": seconds}
    return _("%(minutes)s min.") % {"minutes": seconds // 60}


def _shown(value, action, known):
    return _("%(count)s eerdere gesprekken met hun notities") % {"count": _int(value) or 0}


def _from(value, action, known):
    return _("gelezen vanuit gesprek #%(code)s") % {"code": value[:4].upper()}


def _amber(value, action, known):
    return _("oranje na %(time)s") % {"time": _minutes(value)}


def _red(value, action, known):
    return _("rood na %(time)s") % {"time": _minutes(value)}


def _period(value, action, known):
    if value == "pilot":
        return _("periode: de hele pilot tot nu toe")
    return _("periode: %(quarter)s") % {"quarter": value}


def _part(value, action, known):
    return _("alleen het deel voor partners") if value == "partners" else value


# Keys written with a value (`to=4`) and bare flags (`left`), each in words.
VALUE_WORDS = {
    "reason": _reason,
    "to": _to,
    "by": _by,
    "state": _state,
    "duration": _duration,
    "saved": _saved,
    "partner": _partner,
    "fields": _fields,
    "method": _method,
    "invitation": _invitation,
    "amber": _amber,
    "red": _red,
    "shown": _shown,
    "from": _from,
    "period": _period,
    "part": _part,
}
FLAG_WORDS = {
    "left": lambda action: (
        _("de professional ging zelf weg")
        if action.startswith("guest.")
        else _("de bezoeker ging weg")
    ),
    "lifted": lambda action: _("blokkade opgeheven"),
    "upheld": lambda action: _("blokkade blijft staan"),
    "deleted": lambda action: _("gewist"),
    "without_consent": lambda action: _("zonder toestemming (meldcode)"),
    "revise": lambda action: _("terug naar concept om aan te passen"),
    "resubmit": lambda action: _("ongewijzigd opnieuw aangeboden"),
    "account_deleted": lambda action: _("de cliënt verwijderde het account"),
    "consent_ended": lambda action: _("de toestemming is beëindigd"),
    "reserved": lambda action: _("het wachtte op een collega (supervisor nam het toch aan)"),
}


def detail_words(entry, known):
    """Every code of the entry's detail in words, in the order written."""
    words = []
    for key, value in parse(entry.detail):
        if value is None and key in FLAG_WORDS:
            words.append(FLAG_WORDS[key](entry.action))
        elif value is not None and key in VALUE_WORDS:
            words.append(VALUE_WORDS[key](value, entry.action, known))
        else:
            # A key these tables do not know (yet): shown as it is, as plain text.
            words.append(key if value is None else f"{key}: {value}")
    return words


def _person(name, role):
    return f"{name} ({_label(User.Role, role)})" if role else name


def _who(entry):
    """Staff by name and role; a client or visitor never by anything that identifies them."""
    if entry.actor_role == User.Role.CLIENT:
        return _("cliënt"), ""
    if entry.actor_id is None and not entry.actor_name:
        # Nobody on the staff: the visitor (leaving, answering a consent card) or the system
        # (a scheduled purge, a client's account deleted).
        detail = parse(entry.detail)
        if ("account_deleted", None) not in detail and (
            ("by", "visitor") in detail or entry.action.startswith("referral.consent_")
        ):
            return _("bezoeker"), ""
        return _("systeem"), ""
    role = str(_label(User.Role, entry.actor_role)) if entry.actor_role else ""
    return entry.actor_name, role


def describe(entries):
    """The entries (a page of them) as Lines, with a handful of queries for the page."""
    entries = list(entries)
    known = Known(entries)
    lines = []
    for entry in entries:
        who, role = _who(entry)
        lines.append(
            Line(
                entry=entry,
                who=who,
                role=role,
                what=action_words(entry.action),
                details=detail_words(entry, known),
                conversation=known.conversations.get(entry.conversation_id),
                referral=known.referrals.get(entry.referral_id),
            )
        )
    return lines
