import uuid

from django.db import migrations, models

import common.fields
from common import encryption


def _name_field(User):
    return User._meta.get_field("display_name")


def seal_names(apps, schema_editor):
    """Seal every stored name, the empty ones too: the field opens nothing else."""
    User = apps.get_model("accounts", "User")
    field = _name_field(User)
    rows = User.objects.values_list("pk", "seal_id", "display_name").iterator()
    for pk, seal_id, name in rows:
        row = User(pk=pk, seal_id=seal_id)
        sealed = encryption.encrypt(str(name or ""), field.context(row))
        User.objects.filter(pk=pk).update(display_name=sealed)


def unseal_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    field = _name_field(User)
    rows = User.objects.values_list("pk", "seal_id", "display_name").iterator()
    for pk, seal_id, sealed in rows:
        name = encryption.decrypt(sealed, field.context(User(pk=pk, seal_id=seal_id)))
        User.objects.filter(pk=pk).update(display_name=name[:40])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_seal_id")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="seal_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=common.fields.EncryptedTextField(
                blank=True, default="", row_id_field="seal_id", verbose_name="zelfgekozen naam"
            ),
        ),
        migrations.RunPython(seal_names, unseal_names),
    ]
