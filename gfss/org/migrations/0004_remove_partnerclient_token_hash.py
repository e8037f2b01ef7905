from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("org", "0003_partner_token_from_client")]

    operations = [migrations.RemoveField(model_name="partnerclient", name="token_hash")]
