"""`python -m hoc.serve`: how every HOC chat server starts (make run, the image, the tests)."""

import gc

import pytest

from hoc import serve


@pytest.fixture
def started(monkeypatch):
    """hoc.serve.main() up to Daphne's start: the argv it would run with."""
    ran = []
    monkeypatch.setattr("daphne.cli.CommandLineInterface.run", lambda self, argv: ran.append(argv))
    before = gc.get_threshold()
    serve.main(["--port", "8123"])
    yield ran[0]
    gc.set_threshold(*before)


def test_the_server_keeps_no_access_log_and_names_itself_neutrally(started):
    assert started[started.index("--verbosity") + 1] == "0"
    assert started[started.index("--server-name") + 1] == "web"
    assert started[-1] == "hoc.asgi:application"


def test_the_server_runs_with_the_collector_thresholds_the_benchmark_measured(started):
    # Python's default young threshold of 700 let full collections stop a server with
    # 2,000 sockets for 200-600 ms every minute (bench/README.md).
    assert gc.get_threshold() == serve.COLLECTOR_THRESHOLDS != (700, 10, 10)
