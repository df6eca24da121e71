"""Whether a request comes from a page of this site: one rule for the WebSocket handshake
(hoc/asgi.py) and for the forms that take no CSRF token (public/views.py).

A leaf module: it imports nothing from the apps.
"""

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": "80", "https": "443"}


def is_same_origin(origin, host, https):
    """Whether the Origin header names this site: the scheme the site serves (https under
    HOC_HTTPS), and exactly the host and port the browser asked for in Host, an allowed host.

    Channels' AllowedHostsOriginValidator compares host names only, so a page on another
    port of an allowed host (another service there) or on its plain-http address (a network
    that injects a page) could open a socket with the visitor's cookie. Comparing with Host
    rather than a configured list keeps every port a development or test server listens on
    working without listing it.
    """
    scheme = "https" if https else "http"
    prefix = scheme + "://"
    if not origin.lower().startswith(prefix):
        return False
    origin_domain, origin_port = split_domain_port(origin[len(prefix) :])
    host_domain, host_port = split_domain_port(host)
    default = DEFAULT_PORTS[scheme]
    return (
        bool(host_domain)
        and validate_host(host_domain, settings.ALLOWED_HOSTS)
        and (origin_domain, origin_port or default) == (host_domain, host_port or default)
    )
