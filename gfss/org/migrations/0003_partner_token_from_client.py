"""Each partner's one key becomes its first token, valid for a year from now."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    PartnerClient = apps.get_model("org", "PartnerClient")
    PartnerToken = apps.get_model("org", "PartnerToken")
    expires_at = timezone.now() + timedelta(days=365)
    PartnerToken.objects.bulk_create(
        [
            PartnerToken(client_id=client.pk, token_hash=client.token_hash, expires_at=expires_at)
            for client in PartnerClient.objects.exclude(tokens__isnull=False).only("token_hash")
        ]
    )


def backwards(apps, schema_editor):
    PartnerClient = apps.get_model("org", "PartnerClient")
    for client in PartnerClient.objects.all():
        first = client.tokens.order_by("created_at").first()
        if first is not None:
            client.token_hash = first.token_hash
            client.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [("org", "0002_partner_token")]

    operations = [migrations.RunPython(forwards, backwards)]
