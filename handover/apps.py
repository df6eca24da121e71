from django.apps import AppConfig
from django.db.models.signals import pre_delete


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = "Warme overdracht"

    def ready(self):
        # The one signal: accounts deletes a client ("Wis alles en sluit af") without
        # knowing about handover (imports point one way), and their referrals must forget
        # them in that same transaction (handover.referrals.forget_client).
        from accounts.models import User

        pre_delete.connect(_forget_client, sender=User, dispatch_uid="handover-forget-client")


def _forget_client(sender, instance, **kwargs):
    if instance.is_client:
        from handover import referrals

        referrals.forget_client(instance)
