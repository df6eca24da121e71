"""Which key seals each encrypted value, and whether the configured key ring opens it.

The survey behind `check_field_keys`: after a rotation (is anything left on the old key?)
and after a restore (does this key ring open this backup?). A leaf module like
hoc.encryption: it finds the models through the app registry and imports no app.
"""

import dataclasses
from collections import Counter

from django.apps import apps

from hoc import encryption
from hoc.fields import encrypted_fields

CHUNK_SIZE = 2000


@dataclasses.dataclass
class FieldSurvey:
    """Counts for one encrypted column; never any of its content."""

    label: str  # "chat.Message.body"
    values: int = 0
    # Values per key id; None counts values that are not ciphertext at all.
    by_key: Counter = dataclasses.field(default_factory=Counter)
    unreadable: int = 0


def sealed_fields():
    """(model, field) for every encrypted column of every installed app, each column once."""
    for model in apps.get_models():
        for f in encrypted_fields(model):
            # A proxy or multi-table child lists its parent's columns too.
            if f.model is model:
                yield model, f


def survey_field(model, field, chunk_size=CHUNK_SIZE):
    """Try to open every stored value of one column with settings.FIELD_ENCRYPTION_KEYS.

    Reads in chunks through a server-side cursor where the database has one. Values are
    taken from the instance's __dict__, still sealed as they came from the database
    (hoc.fields.Ciphertext), so the field's decrypting attribute never runs.
    """
    result = FieldSurvey(f"{model._meta.label}.{field.name}")
    row_id = model._meta.pk.attname if field.row_id_field == "pk" else field.row_id_field
    rows = (
        model._base_manager.filter(**{f"{field.attname}__isnull": False})
        .only(row_id, field.attname)
        .order_by()
    )
    for row in rows.iterator(chunk_size=chunk_size):
        token = row.__dict__[field.attname]
        result.values += 1
        result.by_key[_key_id(token)] += 1
        try:
            encryption.decrypt(token, field.context(row))
        except encryption.DecryptionError:
            result.unreadable += 1
    return result


def survey(chunk_size=CHUNK_SIZE):
    """A FieldSurvey per encrypted column, in app and model order."""
    return [survey_field(model, f, chunk_size) for model, f in sealed_fields()]


def _key_id(token):
    try:
        return encryption.key_id_of(token)
    except IndexError:
        return None  # not "v1:<key id>:…" at all, e.g. text written around the field
