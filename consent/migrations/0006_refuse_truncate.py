from django.db import migrations

from coproduction.core.db import refuse_truncate


class Migration(migrations.Migration):
    dependencies = [("consent", "0005_contribution_once")]

    operations = [refuse_truncate("consent_consentevent")]
