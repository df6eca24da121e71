"""Where a benchmark server's time goes, stage by stage (bench only).

Installed by bench/asgi.py when BENCH_STAGES names a file; every 10 s it appends one JSON
line with, for the window just ended, count, p50, p99 and max in ms of:

- ``db.<function>.queue`` / ``.run`` / ``.back``: a socket's database call (chat/consumers.py
  through common/db_threads.py; ``db.check_all`` is a round of re-checks, chat/rechecks.py)
  waiting for a thread, running, and waiting for the event loop to take its result back;
- ``sql.<verb>``: each statement, from Django's cursor;
- ``gc.gen<n>``: each pass of the cycle collector (the whole process stands still);
- ``loop.lag``: how late a 10 ms sleep on the event loop wakes up.

bench/chat_load.py puts the lines into its results ("stages"), so a figure can be matched
with the stage that made it.
"""

import asyncio
import gc
import json
import os
import threading
import time
from collections import defaultdict

from django.db.backends.signals import connection_created

WINDOW_SECONDS = 10
_samples = defaultdict(list)
_lock = threading.Lock()
_now = time.perf_counter


def _record(name, seconds):
    with _lock:
        _samples[name].append(seconds)


def _timed(in_db_thread):
    def wrap(func):
        name = f"db.{getattr(func, '__name__', '?')}"

        async def call(*args, **kwargs):
            marks = [_now()]

            def run(*a, **k):
                marks.append(_now())
                try:
                    return func(*a, **k)
                finally:
                    marks.append(_now())

            try:
                return await in_db_thread(run)(*args, **kwargs)
            finally:
                marks.append(_now())
                if len(marks) == 4:
                    queued, ran, done, back = marks
                    _record(f"{name}.queue", ran - queued)
                    _record(f"{name}.run", done - ran)
                    _record(f"{name}.back", back - done)

        return call

    return wrap


def _timed_sql(execute, sql, params, many, context):
    began = _now()
    try:
        return execute(sql, params, many, context)
    finally:
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        _record(f"sql.{verb}", _now() - began)


def _on_connection(sender, connection, **kwargs):
    if _timed_sql not in connection.execute_wrappers:
        connection.execute_wrappers.append(_timed_sql)


_gc_began = [0.0]


def _on_gc(phase, info):
    if phase == "start":
        _gc_began[0] = _now()
    else:
        _record(f"gc.gen{info['generation']}", _now() - _gc_began[0])


async def _loop_lag():
    while True:
        began = _now()
        await asyncio.sleep(0.01)
        _record("loop.lag", _now() - began - 0.01)


def _summary():
    with _lock:
        taken = {name: sorted(values) for name, values in _samples.items()}
        _samples.clear()
    out = {"t": time.time()}
    for name, values in sorted(taken.items()):
        n = len(values)
        out[name] = {
            "n": n,
            "p50": values[n // 2] * 1000,
            "p99": values[min(n - 1, int(n * 0.99))] * 1000,
            "max": values[-1] * 1000,
        }
    return out


def _writer(path):
    while True:
        time.sleep(WINDOW_SECONDS)
        with open(path, "a") as f:
            f.write(json.dumps(_summary()) + "\n")


def install(path):
    from chat import consumers, rechecks

    consumers.in_db_thread = _timed(consumers.in_db_thread)
    rechecks.in_db_thread = _timed(rechecks.in_db_thread)  # db.check_all: a round of re-checks
    connection_created.connect(_on_connection, weak=False)
    gc.callbacks.append(_on_gc)
    connect = consumers.ConversationConsumer.connect
    started = []

    async def connect_and_probe(self):
        if not started:
            started.append(asyncio.ensure_future(_loop_lag()))
        return await connect(self)

    consumers.ConversationConsumer.connect = connect_and_probe
    threading.Thread(target=_writer, args=(path,), daemon=True).start()


def read(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


if os.environ.get("BENCH_STAGES"):
    install(os.environ["BENCH_STAGES"])
