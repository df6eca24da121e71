import uuid

from django.db import migrations, models


def give_each_user_a_seal_id(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk in User.objects.values_list("pk", flat=True).iterator():
        User.objects.filter(pk=pk).update(seal_id=uuid.uuid4())


class Migration(migrations.Migration):
    """A UUID per user for the display name's encryption to bind to (common/fields.py).

    Added empty and filled row by row: a unique field with a default would give every
    existing row the same value. Made unique in the next migration, in its own transaction.
    """

    dependencies = [("accounts", "0002_user_confirmed_at_user_display_label_and_more")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="seal_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_user_a_seal_id, migrations.RunPython.noop),
    ]
