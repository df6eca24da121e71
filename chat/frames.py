"""What a conversation socket accepts as a frame, field by field (docs/protocol.md).

The one home of frame validation: chat/consumers.py parses every frame and reads every
field through these, and turns `BadJson` into `bad_json` and `InvalidFrame` into `invalid`.
Nothing here touches the database.

Every frame of the protocol is one flat JSON object, so a frame may open at most
`MAX_BRACKETS` objects or arrays outside its strings. That is checked before parsing, at
C speed (a regular expression and str.count): Python's json parser recurses once per level,
and "[" * 30000 (60 KB, under the 64 KiB cap) raised RecursionError, which crashed the
socket.
"""

import json
import re
import uuid

from common.refusals import InvalidFrame

# Far more than a frame of the protocol needs (it has one object), far less than a stack.
MAX_BRACKETS = 32
# A sequence number in a frame must fit the seq column (PositiveIntegerField).
SEQ_MAX = 2**31 - 1
# A JSON string, escapes included; an unrolled loop, so it never backtracks.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class BadJson(ValueError):
    """The frame is not one JSON object (or nests deeper than any frame can)."""


def parse(text):
    """The frame as a dict, or BadJson."""
    text = text or ""
    outside_strings = _STRING.sub("", text) if '"' in text else text
    if outside_strings.count("[") + outside_strings.count("{") > MAX_BRACKETS:
        raise BadJson
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        raise BadJson from None
    if not isinstance(content, dict):
        raise BadJson
    return content


def seq(value):
    """A sequence number: a JSON integer from 0 to SEQ_MAX, nothing else. Not "5", not 1.5
    or 5.0, not true (a bool is an int in Python), not NaN, Infinity or beyond the column."""
    if type(value) is not int or not 0 <= value <= SEQ_MAX:
        raise InvalidFrame
    return value


def message_id(value):
    """A message's client id: a UUID as a string, in its canonical spelling (lowercase, with
    hyphens), which `ack` and `message` frames carry whatever spelling the client sent."""
    if not isinstance(value, str):
        raise InvalidFrame
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidFrame from None


def is_text(value):
    """JSON can carry a lone surrogate ("\\ud800"), which is no text and cannot be stored."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def body(value):
    """A message's body as text, or InvalidFrame (its length and emptiness are the domain
    function's: chat/conversations.post_message trims it and counts code points)."""
    if not isinstance(value, str) or not is_text(value):
        raise InvalidFrame
    return value
