"""This process's figures for /metrics (hoc/health.py), and their Prometheus text format.

Kept in memory per process: every Daphne replica reports its own sockets and messages, and
Prometheus adds the replicas up. Only counts live here, with no label that could point at a
conversation, a person or an address. A leaf module: it imports nothing from the apps, so
chat/consumers.py can count into it without an import cycle.
"""

import threading
import time
from dataclasses import dataclass, field

WINDOW_SECONDS = 60
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Tally:
    """Events since the process started, and in the last minute.

    The minute slides in one-second buckets. Each bucket remembers which second it holds,
    so a stale one reads as zero and no timer has to clear it.
    """

    def __init__(self, clock=time.monotonic):
        self.total = 0
        self._clock = clock
        self._seconds = [None] * WINDOW_SECONDS
        self._counts = [0] * WINDOW_SECONDS
        self._lock = threading.Lock()

    def add(self):
        second = int(self._clock())
        slot = second % WINDOW_SECONDS
        with self._lock:
            self.total += 1
            if self._seconds[slot] != second:
                self._seconds[slot], self._counts[slot] = second, 0
            self._counts[slot] += 1

    def last_minute(self):
        now = int(self._clock())
        with self._lock:
            return sum(
                count
                for second, count in zip(self._seconds, self._counts, strict=True)
                if second is not None and now - second < WINDOW_SECONDS
            )


class OpenSockets:
    """Sockets open now, by kind. A socket counts from accept() until its consumer ends."""

    def __init__(self, *kinds):
        self._open = dict.fromkeys(kinds, 0)
        self._lock = threading.Lock()

    def opened(self, kind):
        with self._lock:
            self._open[kind] += 1

    def closed(self, kind):
        with self._lock:
            self._open[kind] -= 1

    def by_kind(self):
        with self._lock:
            return dict(self._open)


open_sockets = OpenSockets("conversation", "queue")
messages = Tally()
error_frames = Tally()
socket_errors = Tally()


@dataclass
class Family:
    """One metric: its name, Prometheus type ("gauge", "counter"), help text and samples,
    each a (labels, value) pair."""

    name: str
    kind: str
    text: str
    samples: list = field(default_factory=list)


def single(name, kind, text, value):
    return Family(name, kind, text, [({}, value)])


def in_process():
    """The families this module keeps; hoc/health.py adds the database and channel layer."""
    return [
        Family(
            "hoc_websockets_open",
            "gauge",
            "WebSockets open in this process, by kind.",
            [({"kind": kind}, n) for kind, n in open_sockets.by_kind().items()],
        ),
        single(
            "hoc_chat_messages_total",
            "counter",
            "Chat messages acknowledged on this process's sockets.",
            messages.total,
        ),
        single(
            "hoc_chat_messages_last_minute",
            "gauge",
            "Chat messages acknowledged on this process's sockets in the last 60 seconds.",
            messages.last_minute(),
        ),
        single(
            "hoc_error_frames_total",
            "counter",
            "Error frames this process's sockets sent.",
            error_frames.total,
        ),
        single(
            "hoc_error_frames_last_minute",
            "gauge",
            "Error frames this process's sockets sent in the last 60 seconds.",
            error_frames.last_minute(),
        ),
        single(
            "hoc_socket_errors_total",
            "counter",
            "Sockets of this process that ended with an unhandled exception.",
            socket_errors.total,
        ),
        single(
            "hoc_socket_errors_last_minute",
            "gauge",
            "Sockets of this process that ended with an unhandled exception in the last 60 s.",
            socket_errors.last_minute(),
        ),
    ]


def _label_value(value):
    return str(value).replace("\\", r"\\").replace('"', r"\"").replace("\n", r"\n")


def render(families):
    """The text exposition format, version 0.0.4."""
    lines = []
    for family in families:
        lines.append(f"# HELP {family.name} {family.text}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for labels, value in family.samples:
            pairs = ",".join(f'{key}="{_label_value(v)}"' for key, v in labels.items())
            lines.append(f"{family.name}{{{pairs}}} {value}" if pairs else f"{family.name} {value}")
    return "\n".join(lines) + "\n"
