"""The production stack as real processes on loopback, built from the deployment files.

There is no container runtime on our machines, so the rehearsal does by hand what
`docker compose up` does, reading the same files: the image's file set (tests/deploy/
image.py) installed non-editably into a fresh venv as the Dockerfile's RUN line does, the
environment of docker-compose.yml's `x-app-env` with .env.example's values, the secrets
made by deploy/make-secrets.sh, Redis started with compose's own command, two web replicas
through deploy/web-entrypoint.sh started at the same moment, and Caddy with deploy/Caddyfile.

Docker's network, volumes and secrets become loopback addresses and directories: "postgres"
and "redis" are 127.0.0.1, /srv/static and /run/secrets are directories of the run. That
mapping, and the Caddyfile override below, are the only differences from production.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import yaml

from tests.deploy import image

ROOT = image.ROOT
DOMAIN = "localhost"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, log, seconds=90):
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {port}:\n{Path(log).read_text()}") from None
            time.sleep(0.3)


def env_file():
    """.env as the operator fills it from .env.example, with this run's domain."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        stripped = line.strip()
        if "=" in stripped and not stripped.startswith("#"):
            name, value = stripped.split("=", 1)
            values[name] = value
    values["HOC_DOMAIN"] = DOMAIN
    return values


def interpolate(value, env):
    def substitute(match):
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"compose needs {name}: {rest}")
        return rest or ""

    return _VARIABLE.sub(substitute, str(value))


def compose_file():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def to_loopback(url, host_port, user=None, database=None):
    parts = urlsplit(url)
    password = parts.password or ""
    name = quote(user if user is not None else parts.username or "")
    auth = f"{name}:{quote(password)}@" if password else (f"{name}@" if name else "")
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit((parts.scheme, auth + host_port, path, "", ""))


class Stack:
    def __init__(self, base):
        self.base = Path(base)
        self.processes = {}
        self.logs = {}
        self.database = f"hoc_rehearsal_{secrets.token_hex(4)}"
        self.dotenv = env_file()
        self.secrets = self.base / "secrets"

    # --- building --------------------------------------------------------------------

    def build(self):
        """The image: its files below WORKDIR, and the Dockerfile's own pip commands (the
        hashed lock file, then the app without build isolation) in a fresh venv."""
        self.app = image.lay_out(self.base / "app")
        self.venv = self.base / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        env = {**os.environ, "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}"}
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        commands = image.pip_runs()
        assert commands, "the Dockerfile installs nothing with pip"
        for command in commands:
            subprocess.run(
                ["sh", "-c", command], cwd=self.app, env=env, check=True, capture_output=True
            )
        subprocess.run(
            ["sh", str(ROOT / "deploy" / "make-secrets.sh"), str(self.secrets)],
            check=True,
            capture_output=True,
        )

    def on_this_machine(self, value):
        """A path inside a container, as this run keeps it."""
        return value.replace("/run/secrets/", f"{self.secrets}/")

    # --- services --------------------------------------------------------------------

    def start_postgres_database(self):
        """A role with a password and a database of its own, as compose's postgres has."""
        import psycopg
        from psycopg import sql

        self.pg_password = (self.secrets / "postgres_password").read_text().strip()
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(self.database), sql.Literal(self.pg_password)
                )
            )
            c.execute(f"CREATE DATABASE {self.database} OWNER {self.database}")

    def drop_postgres_database(self):
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self.database,),
            )
            c.execute(f"DROP DATABASE IF EXISTS {self.database}")
            c.execute(f"DROP ROLE IF EXISTS {self.database}")

    def start_redis(self):
        """Compose's own redis command, its script mounted as compose mounts it, on a port
        of this run."""
        self.redis_port = free_port()
        service = compose_file()["services"]["redis"]
        mounts = {}
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            mounts[target] = str(ROOT / source)
        command = [mounts.get(word, word) for word in service["command"]]
        command += ["--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(self.base)]
        env = {
            "PATH": os.environ["PATH"],
            "TMPDIR": str(self.base),
            "REDIS_PASSWORD_FILE": str(self.secrets / "redis_password"),
        }
        self.spawn("redis", command, env=env)
        wait_for_port(self.redis_port, self.processes["redis"], self.logs["redis"])

    # --- the application -------------------------------------------------------------

    def app_env(self, **extra):
        """compose's x-app-env, interpolated from the generated .env, on loopback."""
        raw = compose_file()["x-app-env"]
        env = {
            name: self.on_this_machine(interpolate(value, self.dotenv))
            for name, value in raw.items()
        }
        env["DATABASE_URL"] = to_loopback(
            env["DATABASE_URL"], "127.0.0.1:5432", user=self.database, database=self.database
        )
        env["REDIS_URL"] = to_loopback(env["REDIS_URL"], f"127.0.0.1:{self.redis_port}")
        self.static_root = self.base / "srv" / "static"
        env["HOC_STATIC_ROOT"] = str(self.static_root)  # the "static" volume
        return {
            # The Dockerfile's ENV lines.
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "hoc.settings",
            "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}",
            "HOME": str(self.base),
            "LANG": "C.UTF-8",
            **env,
            **extra,
        }

    def manage(self, *args, check=True):
        return subprocess.run(
            [str(self.venv / "bin" / "python"), "manage.py", *args],
            cwd=self.app,
            env=self.app_env(),
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def start_replicas(self, count=2):
        """Every replica through the image's entrypoint, all at the same moment."""
        self.replica_ports = [free_port() for _ in range(count)]
        for n, port in enumerate(self.replica_ports):
            env = self.app_env(HOC_BIND="127.0.0.1", HOC_PORT=str(port))
            self.spawn(f"web{n + 1}", ["/bin/sh", "deploy/web-entrypoint.sh"], env=env)
        for n, port in enumerate(self.replica_ports):
            name = f"web{n + 1}"
            wait_for_port(port, self.processes[name], self.logs[name], seconds=120)

    def scheduler_once(self):
        return subprocess.run(
            ["/bin/sh", "deploy/scheduler.sh", "--once"],
            cwd=self.app,
            env=self.app_env(),
            capture_output=True,
            text=True,
            timeout=180,
        )

    # --- the proxy -------------------------------------------------------------------

    def caddyfile(self):
        """deploy/Caddyfile with the smallest override that runs it here (each part once):
        - the replicas are two ports on loopback, not the A records of Docker's "web";
        - `tls internal`: no certificate authority is reachable, so Caddy's own signs;
        - the "static" volume is a directory of this run instead of /srv;
        - its own ports, no admin endpoint and no trust-store install, so a run needs
          neither root's well-known ports nor leaves anything behind on the machine."""
        text = (ROOT / "deploy" / "Caddyfile").read_text()
        upstreams = " ".join(f"127.0.0.1:{port}" for port in self.replica_ports)
        replacements = [
            (r"dynamic a web 8000 \{[^}]*\}", f"to {upstreams}"),
            (r"\{\$HOC_DOMAIN\} \{", "{$HOC_DOMAIN} {\n\ttls internal"),
            (r"root \* /srv\n", f"root * {self.base / 'srv'}\n"),
            (
                r"\A((?:#[^\n]*\n|\s)*)\{\n",
                f"\\1{{\n\thttps_port {self.https_port}\n\thttp_port {self.http_port}\n"
                "\tadmin off\n\tskip_install_trust\n",
            ),
        ]
        for pattern, replacement in replacements:
            text, count = re.subn(pattern, replacement, text, count=1)
            if count != 1:
                raise AssertionError(f"deploy/Caddyfile changed: no {pattern!r} to override")
        return text

    def start_caddy(self):
        self.https_port, self.http_port = free_port(), free_port()
        config = self.base / "Caddyfile"
        config.write_text(self.caddyfile())
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.base),
            "HOC_DOMAIN": DOMAIN,
            "XDG_DATA_HOME": str(self.base / "caddy-data"),
            "XDG_CONFIG_HOME": str(self.base / "caddy-config"),
        }
        self.spawn(
            "caddy", ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"], env=env
        )
        wait_for_port(self.https_port, self.processes["caddy"], self.logs["caddy"])
        self.ca_file = (
            self.base / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        )

    # --- processes -------------------------------------------------------------------

    def spawn(self, name, command, env):
        log = self.base / f"{name}.log"
        with open(log, "ab") as out:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=self.app if name.startswith("web") else self.base,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.logs[name] = log

    def kill(self, name):
        process = self.processes[name]
        os.killpg(process.pid, 9)
        process.wait(timeout=10)

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, 15)
                except ProcessLookupError:
                    continue
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
