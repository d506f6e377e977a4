from django.db import migrations

from coproduction.core.db import refuse_truncate


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [refuse_truncate("audit_auditevent")]
