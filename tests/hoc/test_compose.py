"""The deployment files (docker-compose.yml, deploy/Caddyfile, Dockerfile) read correctly.

Docker cannot run here, so these tests check the files against each other and against the
settings: every variable the containers get is one hoc/settings.py reads and the README
documents, and the privacy and security choices stay in place.
"""

import ast
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "scheduler")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def app_env(compose, service):
    return compose["services"][service]["environment"]


def settings_variables():
    """Names hoc/settings.py reads: env*/envsecret("X") calls and os.environ.get("X")."""
    names = set()
    for node in ast.walk(ast.parse((ROOT / "hoc" / "settings.py").read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("env", "envbool", "envint", "envsecret"):
            names.add(first.value)
            if func.id == "envsecret":
                names.add(f"{first.value}_FILE")
        elif isinstance(func, ast.Attribute) and ast.unparse(func) == "os.environ.get":
            names.add(first.value)
    return {name for name in names if not name.startswith("_")}


def caddyfile_without_global_options():
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and lines[0] == "{":  # the global options block comes first, if present
        depth = 0
        for i, line in enumerate(lines):
            depth += line.count("{") - line.count("}")
            if depth == 0:
                return lines[: i + 1], lines[i + 1 :]
    return [], lines


def test_it_defines_the_five_services(compose):
    assert {"postgres", "redis", "web", "proxy", "scheduler"} <= set(compose["services"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_sets_only_variables_that_settings_read(compose, service):
    unknown = set(app_env(compose, service)) - settings_variables()
    assert not unknown, f"{service} sets variables hoc/settings.py never reads: {unknown}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_sets_only_variables_the_readme_documents(compose, service):
    readme = (ROOT / "README.md").read_text()
    first_cells = re.findall(r"^\|([^|\n]*)\|", readme, re.M)
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Z0-9_]+)`", cell)}
    missing = set(app_env(compose, service)) - documented
    assert not missing, f"README.md's configuration table lacks: {missing}"


def test_it_lists_every_interpolated_variable_in_env_example():
    compose_text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", compose_text))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)=", example, re.M))
    assert interpolated - listed == set()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_it_gives_every_secret_as_a_docker_secret_file_never_as_a_value(compose, service):
    env = app_env(compose, service)
    mounted = set(compose["services"][service]["secrets"])
    for name in (
        "HOC_SECRET_KEY",
        "HOC_FIELD_KEYS",
        "HOC_CHANNEL_LAYER_KEY",
        "HOC_PASSPHRASE_PEPPER",
        "HOC_DATABASE_PASSWORD",
        "HOC_REDIS_PASSWORD",
    ):
        assert name not in env, f"{name} as a value; use {name}_FILE"
        path = env[f"{name}_FILE"]
        assert path.startswith("/run/secrets/") and path.rsplit("/", 1)[1] in mounted
    for url in (env["DATABASE_URL"], env["REDIS_URL"]):
        assert urlsplit(url).password is None, f"a password in {url}"
    assert set(compose["secrets"]) >= mounted


def test_it_keeps_the_redis_password_off_every_command_line(compose):
    redis = compose["services"]["redis"]
    assert "redis_password" in redis["secrets"]
    assert "REDIS_PASSWORD" not in json.dumps(redis["command"])
    script = (ROOT / "deploy" / "redis-start.sh").read_text()
    assert "requirepass" in script and "/run/secrets/redis_password" in script
    assert "REDISCLI_AUTH" in " ".join(redis["healthcheck"]["test"])


def test_it_makes_every_secret_compose_mounts(tmp_path, compose):
    import subprocess

    subprocess.run(
        ["sh", str(ROOT / "deploy" / "make-secrets.sh"), str(tmp_path / "s")], check=True
    )
    made = {p.name for p in (tmp_path / "s").iterdir()}
    assert made == set(compose["secrets"])
    assert oct((tmp_path / "s").stat().st_mode)[-3:] == "700"
    before = {p.name: p.read_text() for p in (tmp_path / "s").iterdir()}
    subprocess.run(
        ["sh", str(ROOT / "deploy" / "make-secrets.sh"), str(tmp_path / "s")], check=True
    )
    assert before == {p.name: p.read_text() for p in (tmp_path / "s").iterdir()}, "a key changed"


def test_it_runs_web_in_production_behind_the_https_proxy(compose):
    env = app_env(compose, "web")
    assert env["HOC_ENV"] == "production"
    assert env["HOC_HTTPS"] == "1"
    assert env["HOC_BEHIND_PROXY"] == "1"


def test_it_keeps_caddy_without_access_log_and_proxies_to_web():
    global_options, site = caddyfile_without_global_options()
    assert not [line for line in site if line.split()[0] == "log"], "access log"
    # Failed requests are logged with the client's address unless this logger is dropped.
    assert "exclude http.log.error" in global_options
    assert "reverse_proxy {" in site
    assert "dynamic a web 8000 {" in site


def test_it_runs_the_image_as_a_non_root_user():
    users = [
        line.split()[1]
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip().upper().startswith("USER ")
    ]
    assert users, "the Dockerfile never leaves root"
    assert users[-1].split(":")[0] not in ("root", "0")
