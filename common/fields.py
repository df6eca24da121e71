"""A model field whose text is encrypted in the application before it reaches the database.

The row's identity is part of the associated data, so ciphertext only opens in its own
row. That identity must exist before the first save: a UUID primary key with a default, or
(where the primary key must stay an integer) a UUID field named by `row_id_field`.
"""

from django.core import checks
from django.db import models

from common import encryption


class Ciphertext(str):
    """A value as it came from the database: still sealed."""


class _EncryptedAttribute:
    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner):
        if instance is None:
            return self
        if self.field.attname not in instance.__dict__:  # deferred with .only()/.defer()
            instance.refresh_from_db(fields=[self.field.attname])
        value = instance.__dict__[self.field.attname]
        if isinstance(value, Ciphertext):
            value = encryption.decrypt(value, self.field.context(instance))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text sealed with AES-256-GCM; it cannot be searched, ordered or indexed."""

    def __init__(self, *args, row_id_field="pk", **kwargs):
        self.row_id_field = row_id_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.row_id_field != "pk":
            kwargs["row_id_field"] = self.row_id_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _EncryptedAttribute(self))

    def context(self, instance):
        row_id = getattr(instance, self.row_id_field)
        if row_id is None:
            raise ValueError(f"{instance._meta.label} needs its row id before saving")
        return f"{instance._meta.db_table}.{self.column}.{row_id}"

    def from_db_value(self, value, expression, connection):
        return None if value is None else Ciphertext(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        return encryption.encrypt(str(value), self.context(model_instance))

    def get_lookup(self, lookup_name):
        # Only "is it there at all": anything else would compare ciphertext.
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be indexed or unique.", obj=self, id="hoc.E010"
                )
            )
        return errors


def encrypted_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
