"""Passphrases: strength, the word list, and the keyed hash (docs/security.md)."""

import ast
import math
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import passphrases
from tests.hoc.probe import PRODUCTION_ENV, settings_of

ROOT = Path(__file__).resolve().parents[2]


def test_seven_words_give_at_least_90_bits():
    words = passphrases.word_list()
    assert len(words) >= 7_300
    assert passphrases.WORDS == 7
    assert 7 * math.log2(len(words)) >= 90


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda w: w[:7_299], "bits"),
        (lambda w: [*w[:-1], "café"], "ASCII"),
        (lambda w: [*w[:-1], w[0]], "duplicates"),
        (lambda w: [*w[:-1], "Amsterdam"], "lowercase"),
    ],
)
def test_a_weak_or_odd_list_is_refused(change, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        passphrases.validate_word_list(change(list(passphrases.word_list())))


def test_generated_passphrases_are_unique_and_well_formed():
    generated = {passphrases.generate() for _ in range(10_000)}
    assert len(generated) == 10_000
    words = set(passphrases.word_list())
    for passphrase in list(generated)[:500]:
        parts = passphrase.split(" ")
        assert len(parts) == 7 and set(parts) <= words
        assert 20 <= len(passphrase) <= 128


def test_no_module_in_accounts_uses_the_random_module():
    for path in (ROOT / "accounts").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(alias.name != "random" for alias in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert node.module != "random", path


def test_typing_it_back_loosely_still_matches():
    assert passphrases.normalize("  Appel  Boom-kast\nDeur ") == "appel boom kast deur"
    assert passphrases.hash_passphrase("appel boom") == passphrases.hash_passphrase(" APPEL  boom")


def test_the_hash_depends_on_the_pepper(settings):
    first = passphrases.hash_passphrase("appel boom kast")
    settings.PASSPHRASE_PEPPER = "another pepper that is long enough for the check"
    assert passphrases.hash_passphrase("appel boom kast") != first
    assert len(first) == 64 and "appel" not in first


def test_the_production_cost_is_memory_hard(settings):
    settings.PASSPHRASE_ARGON2 = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
    started = time.perf_counter()
    passphrases.hash_passphrase(passphrases.generate())
    assert time.perf_counter() - started >= 0.02


def test_production_demands_its_own_pepper(tmp_path):
    without = {k: v for k, v in PRODUCTION_ENV.items() if k != "HOC_PASSPHRASE_PEPPER"}
    missing = settings_of(without, tmp_path, "DEBUG")
    assert missing.returncode != 0 and "HOC_PASSPHRASE_PEPPER" in missing.stderr
    same = {**PRODUCTION_ENV, "HOC_PASSPHRASE_PEPPER": PRODUCTION_ENV["HOC_SECRET_KEY"]}
    result = settings_of(same, tmp_path, "DEBUG")
    assert result.returncode != 0 and "must differ" in result.stderr
