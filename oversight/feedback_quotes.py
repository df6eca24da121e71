"""The supervisors' keeping of quotes from the visitors' free-text feedback (issue #18).

The visitor's own words (`Feedback.better`, chat/feedback.py) go when the conversations'
retention has passed. Before that a supervisor may keep an anonymised quote of them (their
own edit: names and anything recognisable taken out), which stays with the figures for the
evaluation report, or discard the text at once. Both are audited, and the audit entry says
only that it happened: not which text, nor anything in it.
"""

import uuid

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit import entries
from audit.models import AuditEntry
from chat import feedback
from chat.models import Feedback
from common.refusals import Refused

PAGE_SIZE = 20
QUOTE_MAX_CHARS = feedback.BETTER_MAX_CHARS


class Gone(Refused):
    """The text is no longer held: discarded or past its date meanwhile."""

    code = "feedback_gone"
    default_message = _("Deze tekst is er niet meer.")


class QuoteForm(forms.Form):
    """One text's choice: keep this (edited) quote, or (`discard`) remove the text now.
    Which of the two is the button pressed, not a field."""

    feedback = forms.UUIDField(widget=forms.HiddenInput)
    quote = forms.CharField(
        label=_("Citaat om te bewaren"),
        help_text=_("Haal namen, plaatsen en alles waaraan iemand te herkennen is eruit."),
        max_length=QUOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )

    def __init__(self, *args, discard=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.discard = discard

    def clean(self):
        data = super().clean()
        data["quote"] = (data.get("quote") or "").strip()
        if not self.discard and not data["quote"] and "quote" not in self.errors:
            self.add_error("quote", _("Schrijf het citaat dat je wilt bewaren."))
        return data


def held():
    """Every row whose free text is still held, newest months first. Within a month the
    order is the random id's: never the order the answers came in."""
    return Feedback.objects.filter(text_kept_until__isnull=False).order_by("-month", "id")


def auto_id_for(feedback_id):
    """Each row's form its own ids, from the row's id (or a posted one, once it parses)."""
    try:
        return f"quote-{uuid.UUID(str(feedback_id))}-%s"
    except ValueError:
        return "quote-%s"


def page_of(number, posted=None):
    """One page of the held texts, each with its form; `posted`, a form that did not pass,
    stands in for its own row's."""
    page = Paginator(held(), PAGE_SIZE).get_page(number)
    for row in page:
        row.form = QuoteForm(
            initial={"feedback": row.pk, "quote": row.quote or row.better},
            auto_id=auto_id_for(row.pk),
        )
        if posted is not None and posted.data.get("feedback") == str(row.pk):
            row.form = posted
    return page


def _held_row(feedback_id):
    row = held().select_for_update().filter(pk=feedback_id).first()
    if row is None:
        raise Gone
    return row


def keep_quote(supervisor, feedback_id, quote):
    """Keep `quote` (the supervisor's anonymised edit) with the row; the visitor's own text
    stays only until its date, as before."""
    with transaction.atomic():
        row = _held_row(feedback_id)
        row.quote = quote.strip()[:QUOTE_MAX_CHARS]
        row.save(update_fields=["quote"])
        entries.record(supervisor, AuditEntry.Action.FEEDBACK_QUOTE_KEPT)


def discard_text(supervisor, feedback_id):
    """Remove the visitor's own text now; a quote kept before stays."""
    with transaction.atomic():
        row = _held_row(feedback_id)
        feedback.forget_text(row)
        entries.record(supervisor, AuditEntry.Action.FEEDBACK_TEXT_DISCARDED)
