"""The help guide's links to partners now point at partners.Partner (same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hoc', '0003_guidenode_updated_at'),
        ('partners', '0001_initial'),
    ]

    operations = [
        # The table stays where it is (handover_partner): only Django's model state moves.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='guidechannel',
                    name='partner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='partners.partner', verbose_name='partner'),
                ),
                migrations.RemoveField(
                    model_name='guidenode',
                    name='partners',
                ),
                migrations.AddField(
                    model_name='guidenode',
                    name='partners',
                    field=models.ManyToManyField(blank=True, through='hoc.GuideChannel', to='partners.partner', verbose_name='kanalen'),
                ),
            ],
        ),
    ]
