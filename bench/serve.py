"""Start Daphne for the chat benchmark with HOC chat's own flags and collector thresholds
(hoc/serve.py), serving bench.asgi's application or its bare relay:
``python -m bench.serve --port P --app app``."""

import argparse
import os
import resource


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--app", choices=["app", "relay"], default="app")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 10,000 idle sockets (S3)
    import django

    django.setup()
    from daphne.cli import CommandLineInterface

    from hoc.serve import daphne_argv, tune_collector

    tune_collector()  # as production runs, for B4 as for B5
    argv = daphne_argv("127.0.0.1", args.port)
    name = "application" if args.app == "app" else "relay_application"
    argv[-1] = f"bench.asgi:{name}"
    CommandLineInterface().run(argv)


if __name__ == "__main__":
    main()
