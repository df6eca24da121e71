"""Log filtering that keeps IP addresses out of every log line (docs/security.md)."""

import logging
import re

_HEX = "[0-9a-fA-F]{1,4}"
_IPV4 = r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"
# Full eight-group form, or any compressed form with "::". Clock times (12:30:01) have
# neither, so they survive.
_IPV6 = (
    rf"(?<![\w:])(?:(?:{_HEX}:){{7}}{_HEX}"
    rf"|(?:{_HEX}:){{0,6}}(?:{_HEX})?::(?:{_HEX}:){{0,6}}(?:{_HEX})?)(?![\w:])"
)
IP_PATTERN = re.compile(f"{_IPV4}|{_IPV6}")


def redact(text):
    return IP_PATTERN.sub("[ip]", text)


class RedactFilter(logging.Filter):
    """Replace anything shaped like an IP address in a record, traceback included.

    A last line of defence: code must not log addresses in the first place.
    """

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Format the traceback now, so the handler's formatter reuses the redacted text.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
