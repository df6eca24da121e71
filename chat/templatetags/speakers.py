import json

from django import template

from chat import speakers

register = template.Library()


@register.filter
def speaker(message, viewer=None):
    """{{ message|speaker:"visitor" }}: who said it, as that viewer reads it."""
    return speakers.label_for(message, viewer or None)


@register.simple_tag
def speaker_labels(viewer, visitor_name=""):
    """The same table as JSON, for static/js/chat.js to label live messages with."""
    return json.dumps(speakers.labels(viewer, visitor_name))
