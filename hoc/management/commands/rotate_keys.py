"""Re-seal every encrypted field with the current key, after adding a new key first.

Rotation (security brief R-G2): put the new key first in HOC_FIELD_KEYS and keep
the old one behind it, run this command, then remove the old key.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from hoc import encryption
from hoc.fields import encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key of HOC_FIELD_KEYS."

    def handle(self, *args, **options):
        current = encryption.current_key_id()
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            names = [f.attname for f in fields]
            for pk in model.objects.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    stale = [
                        name
                        for name in names
                        if (raw := row.__dict__.get(name)) is not None
                        and encryption.key_id_of(raw) != current
                    ]
                    if stale:
                        row.save(update_fields=stale)  # reading opens with the old key
                        total += 1
        self.stdout.write(f"Re-encrypted {total} rows with key {current!r}.")
