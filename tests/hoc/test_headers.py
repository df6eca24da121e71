"""Security and privacy headers on every kind of response (security brief B4)."""

import pytest
from django.test import Client, override_settings

FAILING = "tests.hoc.failing_urls"

DENIED_FEATURES = [
    "camera",
    "microphone",
    "geolocation",
    "display-capture",
    "usb",
    "serial",
    "web-share",
    "payment",
]


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def responses():
    """(label, response) for each kind of response the site gives."""
    client = Client(raise_request_exception=False)
    yield "page", client.get("/")
    yield "head", client.head("/")
    yield "english page", client.get("/en/")
    yield "robots.txt", client.get("/robots.txt")
    yield "redirect", client.get("/beheer/")
    yield "not found", client.get("/bestaat-niet/")
    yield "method not allowed", client.get("/snel-weg/")
    yield "quick exit", client.post("/snel-weg/")
    with override_settings(ROOT_URLCONF=FAILING):
        yield "bad request", client.get("/bad/")
        yield "forbidden", client.get("/forbidden/")
        yield "server error", client.get("/boom/")
    csrf_client = Client(enforce_csrf_checks=True)
    yield "csrf failure", csrf_client.post("/beheer/login/", {"username": "x"})


@pytest.fixture(scope="module")
def all_responses(django_db_blocker):
    with django_db_blocker.unblock():
        return list(responses())


def test_every_kind_of_response_is_covered(all_responses):
    codes = {response.status_code for _, response in all_responses}
    assert {200, 302, 400, 403, 404, 405, 500} <= codes
    assert dict(all_responses)["head"].status_code == 200


@pytest.mark.parametrize("header", ["Content-Security-Policy", "Permissions-Policy"])
def test_policies_are_on_every_response(all_responses, header):
    for label, response in all_responses:
        assert header in response.headers, label


def test_csp_allows_only_this_origin_and_no_inline_code(all_responses):
    for label, response in all_responses:
        csp = csp_directives(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == ["'none'"], label
        for directive in (
            "script-src",
            "style-src",
            "img-src",
            "font-src",
            "connect-src",
            "form-action",
        ):
            assert csp[directive] == ["'self'"], (label, directive)
        assert csp["base-uri"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        flat = " ".join(v for values in csp.values() for v in values)
        assert "unsafe" not in flat and "http" not in flat and "*" not in flat, label


def test_plain_security_headers(all_responses):
    for label, response in all_responses:
        assert response.headers["Referrer-Policy"] == "same-origin", label
        assert response.headers["X-Frame-Options"] == "DENY", label
        assert response.headers["X-Content-Type-Options"] == "nosniff", label
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", label
        assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin", label


def test_permissions_policy_denies_powerful_features(all_responses):
    for label, response in all_responses:
        policy = {
            item.split("=")[0].strip(): item.split("=")[1].strip()
            for item in response.headers["Permissions-Policy"].split(",")
        }
        for feature in DENIED_FEATURES:
            assert policy[feature] == "()", (label, feature)


def test_nothing_dynamic_may_be_stored(all_responses):
    for label, response in all_responses:
        assert "no-store" in response.headers["Cache-Control"], label
        assert "ETag" not in response.headers, label


def test_only_public_information_pages_may_be_indexed(all_responses):
    for label, response in all_responses:
        if label in ("page", "head", "english page"):
            assert "X-Robots-Tag" not in response.headers
        else:
            assert response.headers["X-Robots-Tag"] == "noindex, noarchive", label


def test_no_cookies_on_public_pages(all_responses):
    # Reading the site leaves no cookie behind; only an action that needs one sets it.
    for label, response in all_responses:
        if label in ("page", "head", "english page", "robots.txt", "not found"):
            assert not response.cookies, label


def test_error_pages_are_our_own(all_responses):
    pages = dict(all_responses)
    for label in ("bad request", "forbidden", "not found", "server error", "csrf failure"):
        html = pages[label].content.decode()
        assert "Snel weg" in html, label  # our template, with the quick exit
        assert "Traceback" not in html and "ik ben bang" not in html, label


def test_robots_txt_keeps_crawlers_to_the_public_pages(all_responses):
    body = dict(all_responses)["robots.txt"].content.decode()
    assert body.splitlines() == [
        "User-agent: *",
        "Disallow: /beheer/",
        "Disallow: /chat/",
        "Disallow: /account/",
    ]


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_https_mode_redirects_and_sends_hsts(db):
    client = Client()
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://testserver/"
    assert "no-store" in plain.headers["Cache-Control"]
    secure = client.get("/", secure=True)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
