"""The image and the wheel carry every app and every file the running site reads.

The image once copied four of the six apps, and `pyproject.toml` listed the same four, so a
non-editable install failed at `django.setup()`; every test ran from the checkout, so
nothing noticed. These tests look at what the Dockerfile and the wheel really carry.
"""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy import image

ROOT = image.ROOT
# What the running site reads from the checkout besides the apps' own packages.
SITE_DIRS = ("templates", "static", "locale")
SITE_FILES = ("manage.py", "deploy/web-entrypoint.sh", "deploy/scheduler.sh")


def local_apps():
    return [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]


def tracked(*paths):
    out = subprocess.run(
        ["git", "ls-files", "--", *paths], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if (ROOT / line).is_file()]


def needed_files():
    return tracked(*local_apps(), *SITE_DIRS, *SITE_FILES)


def missing_from_image(root, needed):
    carried = set(image.image_files(root).values())
    return sorted(set(needed) - carried)


def test_the_checkout_has_the_project_and_all_its_apps():
    assert set(local_apps()) == {
        "common",
        "accounts",
        "audit",
        "partners",
        "chat",
        "handover",
        "oversight",
        "public",
        "hoc",
    }


def test_the_image_carries_every_app_and_every_file_the_site_reads():
    needed = needed_files()
    assert "accounts/data/passphrase-words-nl.txt" in needed
    assert "locale/en/LC_MESSAGES/django.mo" in needed
    assert missing_from_image(ROOT, needed) == []


def test_the_image_carries_no_local_state_secrets_or_tests():
    carried = set(image.image_files(ROOT).values())
    leaked = [
        path
        for path in carried
        if path.split("/")[0] in (".git", ".venv", "var", "staticfiles", "tests", "bench")
        or path == ".env"
        or "__pycache__" in path
    ]
    assert leaked == []


def test_a_dockerfile_that_names_directories_misses_the_next_app(tmp_path):
    # The old Dockerfile's way: the file-set check must notice the missing app.
    for path in ("hoc/apps.py", "oversight/apps.py", "templates/base.html"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY hoc/ hoc/\nCOPY templates/ templates/\n"
    )
    needed = ["hoc/apps.py", "oversight/apps.py", "templates/base.html"]
    assert missing_from_image(tmp_path, needed) == ["oversight/apps.py"]


def test_dockerignore_rules_apply_as_docker_applies_them(tmp_path):
    for path in ("a/keep.py", "a/__pycache__/x.pyc", "var/key", "b/c/d.pyc", "notes.md"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    (tmp_path / ".dockerignore").write_text("var\n**/__pycache__\n**/*.pyc\n*.md\n!notes.md\n")
    (tmp_path / "Dockerfile").write_text("FROM x\nWORKDIR /app\nCOPY . .\n")
    assert sorted(image.image_files(tmp_path)) == [
        "/app/.dockerignore",
        "/app/Dockerfile",
        "/app/a/keep.py",
        "/app/notes.md",
    ]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Built from a copy of the tracked files: setuptools leaves build/ and *.egg-info in the
    # tree it builds, and a wheel of the working tree would carry what git does not.
    source = tmp_path_factory.mktemp("source")
    for path in tracked("."):
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, source / path)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("hoc_chat-*.whl")
    with zipfile.ZipFile(built) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_app_with_its_migrations_and_data(wheel):
    missing = [path for path in tracked(*local_apps()) if path not in wheel]
    assert missing == []
    assert "accounts/data/passphrase-words-nl.txt" in wheel
    assert "oversight/apps.py" in wheel and "audit/migrations/0001_initial.py" in wheel


def test_the_wheel_carries_only_the_apps(wheel):
    tops = {Path(name).parts[0] for name in wheel if not name.startswith("hoc_chat-")}
    assert tops == set(local_apps())


def lock_entries():
    """{name: (version, hash count)} of requirements.lock."""
    entries, current = {}, None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if re.match(r"^[A-Za-z0-9]", line):
            name, version = line.split(" ")[0].split("==")
            current = canonical(name)
            entries[current] = [version, 0]
        elif "--hash=sha256:" in line and current:
            entries[current][1] += 1
    return entries


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_file_pins_what_pyproject_pins_with_a_hash_for_every_package():
    import tomllib

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    locked = lock_entries()
    for pin in pins:
        name, version = re.sub(r"\[.*\]", "", pin).split("==")
        assert locked.get(canonical(name), [None])[0] == version, f"{pin}: run make lock"
    assert "setuptools" in locked  # the build backend, installed without build isolation
    assert all(count > 0 for _, count in locked.values())


def test_the_image_installs_only_hashed_packages():
    (command,) = image.pip_runs()
    steps = [step.strip() for step in command.split("&&")]
    installs = [step for step in steps if step.startswith("pip install")]
    assert installs[0] == "pip install --require-hashes --no-deps -r requirements.lock"
    assert all("--no-deps" in step for step in installs)
