"""Referral.partner points at partners.Partner, and handover lets go of the model."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('handover', '0006_referral_invitations'),
        ('hoc', '0004_partners_app'),
        ('partners', '0001_initial'),
    ]

    operations = [
        # The table stays where it is (handover_partner): only Django's model state moves.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='referral',
                    name='partner',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='partners.partner'),
                ),
                migrations.DeleteModel(
                    name='Partner',
                ),
            ],
        ),
    ]
