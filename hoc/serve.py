"""Start Daphne with the flags HOC chat needs: ``python -m hoc.serve``.

Used by ``make run``, the Dockerfile and the browser tests, so every server runs the same
way: no access log (it records client IP addresses), a neutral Server header,
WebSockets closed no later than the shortest absolute session lifetime, and proxy
headers trusted only when HOC_BEHIND_PROXY says a proxy overwrites them, and Python's
cycle collector tuned for a server that holds thousands of sockets.
"""

import argparse
import gc
import os
import sys

# Python's default (700, 10, 10) runs a young pass every 700 net new container objects. A
# chat server's traffic then moves objects that would have died a moment later into the
# oldest generation, and at 2,000 open sockets its full passes stop the whole process for
# 200-600 ms every minute or so, in bare Channels as in HOC chat. Ten thousand lets them
# die young: under the benchmark's steady traffic no full pass came after the connects and
# no young pass took longer than 90 ms; right after 2,000 connects young passes still take
# up to 0.2 s (bench/README.md, "What holds the chat back").
COLLECTOR_THRESHOLDS = (10_000, 10, 10)


def tune_collector():
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def daphne_argv(bind, port, fd=None):
    from django.conf import settings

    argv = ["--verbosity", "0", "--server-name", "web"]
    argv += ["--websocket_timeout", str(settings.WEBSOCKET_TIMEOUT)]
    argv += ["--websocket-max-message-size", str(64 * 1024)]
    argv += ["--ping-interval", "20", "--application-close-timeout", "5"]
    if settings.BEHIND_PROXY:
        argv.append("--proxy-headers")
    if fd is not None:
        argv += ["--fd", str(fd)]
    else:
        argv += ["--bind", bind, "--port", str(port)]
    return [*argv, "hoc.asgi:application"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run HOC chat under Daphne.")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fd", type=int, default=None, help="listen on an inherited socket")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoc.settings")
    import django

    django.setup()
    tune_collector()
    from daphne.cli import CommandLineInterface

    if args.fd is None:
        print(f"HOC chat listens on http://{args.bind}:{args.port}/", file=sys.stderr, flush=True)
    CommandLineInterface().run(daphne_argv(args.bind, args.port, args.fd))


if __name__ == "__main__":
    main()
