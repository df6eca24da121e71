"""Settings for the public-pages benchmark: the application's own, plus a bare view."""

from hoc.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
