"""The files the Dockerfile puts into the image, worked out without Docker.

Docker is not available where the tests run, so this reads the Dockerfile's COPY lines and
the .dockerignore rules the way `docker build` applies them, and returns the file set the
image gets under its WORKDIR. The packaging test checks that set, and the production
rehearsal (test_rehearsal.py) installs and starts exactly these files.
"""

import json
import os
import re
import shlex
import shutil
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[2]


def _pattern_regex(pattern):
    """A .dockerignore pattern (Go's filepath.Match plus "**") as a regular expression."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # "**/" also matches no directory at all
                i += 1
                out.append("(?:.*/)?")
            else:
                out.append(".*")
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i)
            if end == -1:
                out.append(re.escape(c))
            else:
                out.append(pattern[i : end + 1].replace("[!", "[^"))
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def ignore_rules(root=ROOT):
    rules = []
    path = root / ".dockerignore"
    for line in path.read_text().splitlines() if path.exists() else []:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((exclude, _pattern_regex(pattern)))
    return rules


def is_ignored(relpath, rules):
    """Docker's rule: the last matching line wins, and a line matching a parent directory
    matches everything below it."""
    parts = PurePosixPath(relpath).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for exclude, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            ignored = exclude
    return ignored


def context_files(root=ROOT):
    """Every file of the build context that .dockerignore lets through."""
    rules = ignore_rules(root)
    can_reinclude = any(not exclude for exclude, _ in rules)
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if not can_reinclude:
            dirnames[:] = [d for d in dirnames if not is_ignored((rel / d).as_posix(), rules)]
        for name in filenames:
            relpath = (rel / name).as_posix()
            if not is_ignored(relpath, rules):
                files.append(relpath)
    return sorted(files)


def copy_instructions(root=ROOT):
    """(sources, destination) of each COPY/ADD from the build context, in order."""
    text = (root / "Dockerfile").read_text().replace("\\\n", " ")
    workdir = PurePosixPath("/")
    copies = []
    for line in text.splitlines():
        words = line.strip().split(None, 1)
        if len(words) < 2:
            continue
        instruction, rest = words[0].upper(), words[1].strip()
        if instruction == "WORKDIR":
            workdir = workdir / rest
        elif instruction in ("COPY", "ADD"):
            args = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
            if any(a.startswith("--from") for a in args):
                continue  # from another stage, not from the context
            args = [a for a in args if not a.startswith("--")]
            *sources, destination = args
            # Kept as text: a trailing "/" says "into this directory".
            joined = str(workdir / destination) + ("/" if destination.endswith("/") else "")
            copies.append((sources, joined))
    return copies


def image_files(root=ROOT):
    """{path inside the image: path in the checkout} for every file the COPY lines bring."""
    available = context_files(root)
    result = {}
    for sources, destination in copy_instructions(root):
        for source in sources:
            source = os.path.normpath(source)
            if source == ".":
                chosen = {f: f for f in available}
            elif source in available:
                name = PurePosixPath(source).name
                target = name if destination.endswith("/") or len(sources) > 1 else None
                chosen = {source: target}
            else:
                prefix = source.rstrip("/") + "/"
                chosen = {f: f[len(prefix) :] for f in available if f.startswith(prefix)}
            for checkout_path, inside in chosen.items():
                where = PurePosixPath(destination) / (inside or "")
                result[str(where)] = checkout_path
    return result


def workdir(root=ROOT):
    directory = PurePosixPath("/")
    for line in (root / "Dockerfile").read_text().splitlines():
        words = line.strip().split(None, 1)
        if len(words) == 2 and words[0].upper() == "WORKDIR":
            directory = directory / words[1].strip()
    return directory


def lay_out(target, root=ROOT):
    """Copy the image's files below WORKDIR into `target`, as the image would hold them."""
    base = workdir(root)
    for inside, checkout_path in image_files(root).items():
        relative = PurePosixPath(inside).relative_to(base)
        destination = Path(target) / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / checkout_path, destination)
    return Path(target)


def pip_runs(root=ROOT):
    """The Dockerfile's RUN instructions that install Python packages, as shell commands."""
    text = (root / "Dockerfile").read_text().replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        words = line.strip().split(None, 1)
        if len(words) == 2 and words[0].upper() == "RUN" and "pip install" in words[1]:
            commands.append(words[1])
    return commands
