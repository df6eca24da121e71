"""Neutral display labels like "Blauwe Reiger" that counsellors see instead of anything real.

Drawn with `secrets` from their own word lists; they take nothing from the passphrase.
"""

import secrets
from functools import cache
from pathlib import Path

LABEL_WORDS = Path(__file__).resolve().parent / "data" / "display-label-words-nl.txt"


@cache
def label_words():
    sections, current = {}, None
    for line in LABEL_WORDS.read_text(encoding="ascii").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line and current is not None:
            current.append(line)
    return tuple(sections["adjectives"]), tuple(sections["nouns"])


def random_label():
    adjectives, nouns = label_words()
    return f"{secrets.choice(adjectives)} {secrets.choice(nouns)}"
