"""The one way domain code says no.

A domain function that refuses a step raises `Refused` (or a subclass) with a stable
`code`: views answer 403 (it is a PermissionDenied, so Django does that on its own),
sockets send the code to the client as `{"type": "error", "code": ...}`, and templates or
JSON can show the message. Anything else that escapes a domain function is a bug: it is
logged, never turned into a refusal.

Frame validation (a field missing or of the wrong type in a WebSocket frame) is not a
refusal of the rules but of the frame: `InvalidFrame`, answered "invalid".
"""

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    """A step the rules refuse. `code` is stable (clients and tests read it); the message
    is for staff or the client, in the language of the rule."""

    code = "not_allowed"
    default_message = "This step is not allowed."

    def __init__(self, message=None, *, code=None):
        if code is not None:
            self.code = code
        self.message = message or self.default_message
        super().__init__(self.message)


class NotAllowed(Refused):
    """This person may not take this step on this object (not theirs, wrong role)."""


class SessionGone(NotAllowed):
    """There is no session to act for: none that holds anything, or it ended (expired,
    logged out). A socket closes with 4401 for it, not 4403: logging in again may help."""


class InvalidFrame(ValueError):
    """A frame, or a field in it, is malformed: not a rule's refusal and not a bug."""

    code = "invalid"
