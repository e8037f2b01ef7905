from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def payer_idn_from_documents(apps, schema_editor):
    """A receipt that made a document, or repeated one, takes the payer of that document."""
    ReceivedFile = apps.get_model("contributions", "ReceivedFile")
    PaymentDocument = apps.get_model("contributions", "PaymentDocument")
    ReceivedFile.objects.filter(document__isnull=False).update(
        payer_idn=Subquery(
            PaymentDocument.objects.filter(file_id=OuterRef("pk")).values("payer__idn")[:1]
        )
    )
    ReceivedFile.objects.filter(payer_idn="", duplicate_of__isnull=False).update(
        payer_idn=Subquery(
            PaymentDocument.objects.filter(pk=OuterRef("duplicate_of_id")).values("payer__idn")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0007_received_file_staff_source"),
        ("participants", "0003_name_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="receivedfile",
            name="payer_idn",
            field=models.CharField(
                blank=True, db_index=True, default="", max_length=12, verbose_name="payer BIN/IIN"
            ),
        ),
        migrations.RunPython(payer_idn_from_documents, migrations.RunPython.noop),
    ]
