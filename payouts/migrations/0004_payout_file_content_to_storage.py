"""Files built before payout files lived in storage: their bytes move there, each gets a uuid."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def content_to_storage(apps, schema_editor):
    PayoutFile = apps.get_model("payouts", "PayoutFile")
    for payout in PayoutFile.objects.select_related("run").order_by("pk").iterator(chunk_size=100):
        payout.uuid = uuid.uuid4()
        fields = ["uuid"]
        data = bytes(payout.content or b"")
        if data and not payout.document:
            name = f"payouts/{payout.run.period:%Y-%m}/{payout.reference}.txt"
            payout.document.name = default_storage.save(name, ContentFile(data))
            payout.sha256 = hashlib.sha256(data).hexdigest()
            fields += ["document", "sha256"]
        payout.save(update_fields=fields)


class Migration(migrations.Migration):

    dependencies = [
        ("payouts", "0003_payout_files_in_storage_run_totals_dry_run_reports"),
    ]

    operations = [
        migrations.RunPython(content_to_storage, migrations.RunPython.noop),
    ]
