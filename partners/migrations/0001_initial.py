"""Partner moves here from the handover app; its table, handover_partner, and its rows stay."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The table was created by the handover app's migrations.
        ('handover', '0006_referral_invitations'),
    ]

    operations = [
        # The table stays where it is (handover_partner): only Django's model state moves.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Partner',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(help_text='Vaste code; niet wijzigen.', unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=120, verbose_name='naam')),
                        ('name_en', models.CharField(blank=True, max_length=120, verbose_name='naam (Engels)')),
                        ('kind', models.CharField(choices=[('emergency', 'noodnummer'), ('police', 'politie'), ('safety', 'veiligheid thuis'), ('victim_support', 'slachtofferhulp'), ('helpline', 'hulplijn'), ('care', 'hulpverlening'), ('other', 'anders')], max_length=20, verbose_name='soort')),
                        ('summary', models.TextField(verbose_name='wat ze doen')),
                        ('summary_en', models.TextField(blank=True, verbose_name='wat ze doen (Engels)')),
                        ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefoonnummer')),
                        ('phone_extra', models.CharField(blank=True, help_text='Bijvoorbeeld 113 naast 0800-0113.', max_length=40, verbose_name='ander nummer')),
                        ('website', models.CharField(blank=True, max_length=200, verbose_name='website')),
                        ('chat', models.CharField(blank=True, help_text='Waar de chat is.', max_length=200, verbose_name='chat')),
                        ('hours', models.CharField(blank=True, max_length=200, verbose_name='bereikbaar')),
                        ('hours_en', models.CharField(blank=True, max_length=200, verbose_name='bereikbaar (Engels)')),
                        ('cost', models.CharField(blank=True, max_length=200, verbose_name='kosten')),
                        ('cost_en', models.CharField(blank=True, max_length=200, verbose_name='kosten (Engels)')),
                        ('anonymous', models.CharField(choices=[('yes', 'anoniem'), ('possible', 'anoniem kan'), ('no', 'niet anoniem'), ('unknown', 'onbekend')], default='unknown', max_length=10, verbose_name='anoniem')),
                        ('referral_route', models.TextField(blank=True, help_text='Alleen voor medewerkers.', verbose_name='hoe een verwijzing hen bereikt')),
                        ('contact_facts', models.TextField(blank=True, help_text='Alleen voor medewerkers.', verbose_name='contactgegevens voor medewerkers')),
                        ('is_public', models.BooleanField(default=True, verbose_name='op de website')),
                        ('accepts_referrals', models.BooleanField(default=False, help_text='Staat in de keuzelijst als een hulpverlener een verwijzing opstelt.', verbose_name='kan een warme overdracht ontvangen')),
                        ('emergency_order', models.PositiveSmallIntegerField(blank=True, help_text='Leeg: niet in het blok met noodnummers.', null=True, verbose_name='plaats in de noodnummers')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'partner',
                        'verbose_name_plural': 'partners',
                        'db_table': 'handover_partner',
                        'ordering': ['name'],
                    },
                ),
            ],
        ),
    ]
