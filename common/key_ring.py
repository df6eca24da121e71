"""Which key seals each encrypted value, whether the key ring opens it, and re-sealing.

The survey behind `check_field_keys`: after a rotation (is anything left on the old key?)
and after a restore (does this key ring open this backup?). The re-seal behind
`rotate_keys`: every value on an older key moves to the current one. A leaf module like
common.encryption: it finds the models through the app registry and imports no app.
"""

import contextlib
import dataclasses
from collections import Counter
from itertools import groupby

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, TextField, Value, When

from common import encryption
from common.fields import encrypted_fields

CHUNK_SIZE = 2000
# Rows locked at once while re-sealing: short transactions next to a running chat.
RESEAL_CHUNK_SIZE = 200
# The PostgreSQL setting that marks a re-seal transaction. audit/migrations/0003 reads it:
# only then may an audit entry's reason change, and only from one key to another.
REKEY_SETTING = "hoc.rekey"


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
    (common.fields.Ciphertext), so the field's decrypting attribute never runs.
    """
    result = FieldSurvey(f"{model._meta.label}.{field.name}")
    row_id = _row_id_attname(model, field)
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


@dataclasses.dataclass
class FieldReseal:
    """What re-sealing did to one encrypted column; never any of its content."""

    label: str
    resealed: int = 0
    # Values left where they were: they do not open with the ring (lost key, not a
    # ciphertext), or the database refused the row.
    unreadable: int = 0
    refused: int = 0


@contextlib.contextmanager
def rekeying():
    """A transaction that only moves sealed values from one key to another.

    On PostgreSQL it sets REKEY_SETTING for this transaction alone (like SET LOCAL), which
    a rollback undoes. Durable: it commits on its own, so no caller can hold the setting
    open in a longer transaction around it. SQLite (development and tests only) has no
    such setting; there the audit trigger's own conditions are all there is.
    """
    with transaction.atomic(durable=True):
        _set_rekey("on")
        yield
        # Where a test case wraps everything in one transaction, this is only a savepoint,
        # and a released savepoint keeps SET LOCAL until the outer transaction ends.
        _set_rekey("off")


def _set_rekey(value):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [REKEY_SETTING, value])


def reseal(chunk_size=RESEAL_CHUNK_SIZE):
    """Re-seal every value of every encrypted column that is not on the current key.

    A FieldReseal per column, in the survey's order. One row that fails does not stop
    the rest: it is counted, and what is left shows in survey() afterwards.
    """
    results = []
    for model, columns in groupby(sealed_fields(), key=lambda pair: pair[0]):
        results += reseal_model(model, [f for _model, f in columns], chunk_size)
    return results


def reseal_model(model, fields, chunk_size=RESEAL_CHUNK_SIZE):
    """Re-seal these encrypted columns of one model, chunk_size rows per transaction.

    Rows are read in primary-key order without a lock; only rows holding a value on an
    older key are then locked, read again and written. The write is a plain UPDATE of the
    sealed columns: no save(), so no signals, no auto_now and nothing else changes.
    """
    current = encryption.current_key_id()
    results = {f.attname: FieldReseal(f"{model._meta.label}.{f.name}") for f in fields}
    pk = model._meta.pk.attname
    columns = {pk, *(_row_id_attname(model, f) for f in fields), *results}
    # The plain base manager: a model's own manager may refuse updates for the application
    # (the audit log's does); for the audit log the database trigger decides instead.
    rows = model._base_manager.only(*columns).order_by(pk)
    last = None
    while True:
        chunk = list((rows if last is None else rows.filter(pk__gt=last))[:chunk_size])
        if not chunk:
            return list(results.values())
        last = chunk[-1].pk
        stale = [row.pk for row in chunk if any(_is_stale(row, f, current) for f in fields)]
        if stale:
            _reseal_rows(rows.select_for_update().filter(pk__in=stale), fields, current, results)


def _reseal_rows(locked_rows, fields, current, results):
    manager = locked_rows.model._base_manager
    with rekeying():
        changed = []
        for row in locked_rows:
            changes = {}
            for f in fields:
                if not _is_stale(row, f, current):
                    continue  # moved on since the unlocked read
                try:
                    text = encryption.decrypt(row.__dict__[f.attname], f.context(row))
                except encryption.DecryptionError:
                    results[f.attname].unreadable += 1
                    continue
                changes[f.attname] = encryption.encrypt(text, f.context(row))
            if changes:
                changed.append((row.pk, changes))
        if not changed:
            return
        try:
            # One UPDATE for the chunk; only if the database refuses it, row by row.
            with transaction.atomic():
                _write(manager, changed)
        except DatabaseError:
            for pk, changes in changed:
                try:
                    with transaction.atomic():  # a savepoint: a refused row leaves the others
                        _write(manager, [(pk, changes)])
                except DatabaseError:
                    for name in changes:
                        results[name].refused += 1
                else:
                    for name in changes:
                        results[name].resealed += 1
        else:
            for _pk, changes in changed:
                for name in changes:
                    results[name].resealed += 1


def _write(manager, changed):
    """UPDATE ... SET column = CASE pk WHEN ... END: the sealed text as given, no save()."""
    names = {name for _pk, changes in changed for name in changes}
    cases = {
        name: Case(
            *(
                When(pk=row_pk, then=Value(changes[name]))
                for row_pk, changes in changed
                if name in changes
            ),
            default=F(name),
            output_field=TextField(),
        )
        for name in names
    }
    manager.filter(pk__in=[row_pk for row_pk, _changes in changed]).update(**cases)


def _is_stale(row, field, current):
    token = row.__dict__[field.attname]
    return token is not None and _key_id(token) != current


def _row_id_attname(model, field):
    return model._meta.pk.attname if field.row_id_field == "pk" else field.row_id_field


def _key_id(token):
    try:
        return encryption.key_id_of(token)
    except IndexError:
        return None  # not "v1:<key id>:…" at all, e.g. text written around the field
