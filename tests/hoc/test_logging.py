"""Logs never carry IP addresses, user agents or message text (docs/security.md)."""

import io
import logging

import pytest
from django.test import Client, override_settings

from hoc.logging import RedactFilter, redact

VISITOR_IP = "203.0.113.77"
VISITOR_IPV6 = "2001:db8:85a3::8a2e:370:7334"
USER_AGENT = "Mozilla/5.0 (VisitorPhone; Unique-UA-Marker-42)"
MESSAGE = "ik ben bang voor mijn oudste broer"


@pytest.mark.parametrize(
    "text",
    [
        f"client {VISITOR_IP} connected",
        f"client {VISITOR_IPV6} connected",
        "client ::1 connected",
        "client fe80:0:0:0:202:b3ff:fe1e:8329 connected",
    ],
)
def test_redact_blanks_addresses(text):
    assert redact(text) == "client [ip] connected"


@pytest.mark.parametrize("text", ["at 12:30:01 ok", "version 4.3.2", "took 1.5 s"])
def test_redact_leaves_ordinary_text(text):
    assert redact(text) == text


def test_the_filter_cleans_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "from %s", (VISITOR_IP,), None)
    try:
        raise ValueError(f"bad peer {VISITOR_IP}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert VISITOR_IP not in formatted
    assert "from [ip]" in formatted


@pytest.fixture
def console_output():
    """What the configured console handler writes, with its real filters and format."""
    handler = logging.getLogger("django.request").handlers[0]
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


@override_settings(ROOT_URLCONF="tests.hoc.failing_urls")
def test_a_visit_with_errors_logs_no_visitor_data(db, console_output):
    client = Client(
        raise_request_exception=False, REMOTE_ADDR=VISITOR_IP, HTTP_USER_AGENT=USER_AGENT
    )
    client.get("/")
    client.get("/bestaat-niet/")
    client.post("/boom/", {"body": MESSAGE})
    client.get("/", HTTP_HOST=VISITOR_IP)  # DisallowedHost, which names the host
    logged = console_output.getvalue()
    assert "Internal Server Error" in logged  # the failure itself is logged
    assert "DisallowedHost" in logged
    for secret in (VISITOR_IP, USER_AGENT, "Unique-UA-Marker", MESSAGE):
        assert secret not in logged


def test_error_mails_are_off(settings):
    assert settings.ADMINS == []
    handlers = settings.LOGGING["loggers"]["django.request"]["handlers"]
    assert handlers == ["console"]
