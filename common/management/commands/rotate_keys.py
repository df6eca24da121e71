"""Re-seal every encrypted value with the first key of HOC_FIELD_KEYS: `rotate_keys`.

Rotation (docs/security.md, docs/operations.md): put the new key first in
HOC_FIELD_KEYS and keep the old one behind it, run this command, check with
`check_field_keys --key-id OLD`, and only then remove the old key. Every model's encrypted
columns are re-sealed, the audit log's reasons included (the one change its trigger
allows, see audit/migrations/0003). A value that cannot be re-sealed is counted and left;
the command carries on, then fails while anything is not on the current key. Safe to run
again: values already on the current key are only read. It prints counts, never content.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common import encryption, key_ring
from common.management.commands.check_field_keys import describe, total, values


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of HOC_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=key_ring.RESEAL_CHUNK_SIZE)

    def handle(self, *args, chunk_size=key_ring.RESEAL_CHUNK_SIZE, **options):
        current = encryption.current_key_id()
        results = key_ring.reseal(chunk_size)
        resealed = [f"{r.label} {r.resealed}" for r in results if r.resealed]
        count = values(sum(r.resealed for r in results))
        listed = f" ({', '.join(resealed)})" if resealed else ""
        self.stdout.write(f"Re-sealed {count} with key {current!r}{listed}.")
        failed = [(r.label, r.unreadable + r.refused) for r in results if r.unreadable or r.refused]
        if failed:
            self.stdout.write(
                f"Could not re-seal {total(failed)}: "
                f"{values(sum(r.unreadable for r in results))} did not open with "
                f"HOC_FIELD_KEYS, the database refused {values(sum(r.refused for r in results))}."
            )

        # What is left, counted afresh: it also catches what changed while this ran.
        surveys = key_ring.survey()
        behind = [(s.label, s.values - s.by_key[current]) for s in surveys]
        behind = [(label, n) for label, n in behind if n]
        unreadable = [(s.label, s.unreadable) for s in surveys if s.unreadable]
        for survey in surveys:
            if survey.values != survey.by_key[current] or survey.unreadable:
                self.stdout.write(describe(survey))
        problems = []
        if behind:
            problems.append(f"not yet on key {current!r}: {total(behind)}")
        if unreadable:
            ring = ", ".join(settings.FIELD_ENCRYPTION_KEYS)
            problems.append(f"not readable with HOC_FIELD_KEYS ({ring}): {total(unreadable)}")
        if problems:
            raise CommandError(
                "Encrypted values " + "; ".join(problems) + ". Keep the older keys in "
                "HOC_FIELD_KEYS; check_field_keys --key-id OLD shows what each key still seals."
            )
        count = values(sum(s.values for s in surveys))
        self.stdout.write(
            f"All {count} in {len(surveys)} fields are sealed with key {current!r} and "
            "readable. Before removing a key: check_field_keys --key-id <that key>."
        )
