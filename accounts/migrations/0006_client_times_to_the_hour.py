import datetime

from django.db import migrations
from django.db.models.functions import Trunc

# As accounts.User.save now keeps them for clients.
TIMES = ("date_joined", "last_login", "confirmed_at")


def round_client_times(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="client").update(
        **{name: Trunc(name, "hour", tzinfo=datetime.UTC) for name in TIMES}
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_passphrase_check")]

    # Backwards there is nothing to restore: the minutes are gone.
    operations = [migrations.RunPython(round_client_times, migrations.RunPython.noop)]
