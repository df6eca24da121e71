"""Check that HOC_FIELD_KEYS opens every encrypted value: `python manage.py check_field_keys`.

Run it after a restore (does this key ring open this backup?) and before removing a key
from the ring after `rotate_keys` (`--key-id OLD`: is anything still sealed with it?).
It only reads, and prints counts, never content.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common import key_ring


class Command(BaseCommand):
    help = "Count the encrypted values per key and fail if any do not open with HOC_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--key-id",
            help="also fail while any value is still sealed with this key (before removing it)",
        )
        parser.add_argument("--chunk-size", type=int, default=key_ring.CHUNK_SIZE)

    def handle(self, *args, key_id=None, chunk_size=key_ring.CHUNK_SIZE, **options):
        surveys = key_ring.survey(chunk_size)
        for survey in surveys:
            self.stdout.write(describe(survey))
        unreadable = [(s.label, s.unreadable) for s in surveys if s.unreadable]
        on_old_key = [(s.label, s.by_key[key_id]) for s in surveys if key_id and s.by_key[key_id]]
        ring = ", ".join(settings.FIELD_ENCRYPTION_KEYS)
        problems = []
        if unreadable:
            problems.append(f"not readable with HOC_FIELD_KEYS ({ring}): {total(unreadable)}")
        if on_old_key:
            problems.append(f"still sealed with key {key_id!r}: {total(on_old_key)}")
        if problems:
            raise CommandError("Encrypted values " + "; ".join(problems) + ".")
        count = values(sum(s.values for s in surveys))
        self.stdout.write(
            f"{count} in {len(surveys)} fields, all readable with HOC_FIELD_KEYS ({ring})."
        )
        if key_id:
            self.stdout.write(f"None is sealed with key {key_id!r}.")
            if key_id not in settings.FIELD_ENCRYPTION_KEYS:
                self.stdout.write(f"(Key {key_id!r} is not in HOC_FIELD_KEYS at all.)")


def describe(survey):
    if not survey.values:
        return f"{survey.label}: no values"
    # Newest key first, as in the ring; then ids the ring does not hold; then non-ciphertext.
    ring = [k for k in settings.FIELD_ENCRYPTION_KEYS if k in survey.by_key]
    others = sorted(k for k in survey.by_key if k is not None and k not in ring)
    order = ring + others + ([None] if None in survey.by_key else [])
    keys = ", ".join(
        f"{'not a ciphertext' if key is None else key}: {survey.by_key[key]}" for key in order
    )
    line = f"{survey.label}: {values(survey.values)} ({keys})"
    return line + (f", {survey.unreadable} unreadable" if survey.unreadable else "")


def total(counts):
    listed = ", ".join(f"{label} {n}" for label, n in counts)
    return f"{values(sum(n for _, n in counts))} ({listed})"


def values(n):
    return f"{n} value" if n == 1 else f"{n} values"
