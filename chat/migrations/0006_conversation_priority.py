from django.db import migrations, models


def from_answers(apps, schema_editor):
    """Chats already waiting keep the place their answers gave them before priorities."""
    Conversation = apps.get_model("chat", "Conversation")
    Conversation.objects.filter(in_danger=True).update(priority=0)
    Conversation.objects.filter(in_danger=False, minor="yes").update(priority=1)


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0005_guests"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="priority",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "in direct gevaar"),
                    (1, "jonger dan 18"),
                    (2, "op volgorde van binnenkomst"),
                ],
                default=2,
            ),
        ),
        migrations.RunPython(from_answers, migrations.RunPython.noop),
    ]
