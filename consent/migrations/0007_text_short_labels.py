from django.db import migrations, models

# The staff-facing wordings of each purpose, as the group's consent page showed them
# when they lived in its view: a short column heading, and what a yes means.
WORDINGS = {
    "take_part": ("Take part", "agreed to take part in group sessions"),
    "anonymous_quotes": ("Quotes, no name", "agreed to be quoted in reports without their name"),
    "named_credit": ("Thanked by name", "agreed to be thanked by name in reports"),
    "photos": ("Photos", "agreed to be photographed"),
    "recordings": ("Recordings", "agreed to be recorded"),
    "share_contact_with_partner": (
        "Contact details to the charity",
        "agreed that the partner charity may have their contact details",
    ),
    "future_projects": ("Future projects", "agreed to hear about future projects"),
    "checkins_seen_by_support_worker": (
        "Check-ins seen by support worker",
        "agreed that their support worker may see check-ins",
    ),
}


def fill_wordings(apps, schema_editor):
    """Every existing wording of these purposes gets its short wordings (the old page
    used them whatever the version)."""
    ConsentText = apps.get_model("consent", "ConsentText")
    for slug, (short_label, agreed_to) in WORDINGS.items():
        ConsentText.objects.filter(purpose__slug=slug).update(
            short_label=short_label, agreed_to=agreed_to
        )


class Migration(migrations.Migration):
    dependencies = [("consent", "0006_refuse_truncate")]

    operations = [
        migrations.AddField(
            model_name="consenttext",
            name="short_label",
            field=models.CharField(
                blank=True,
                help_text="A short column heading for staff, e.g. “Photos”.",
                max_length=60,
            ),
        ),
        migrations.AddField(
            model_name="consenttext",
            name="agreed_to",
            field=models.CharField(
                blank=True,
                help_text="What a yes means, after “3 members”, e.g. “agreed to be photographed”.",
                max_length=200,
            ),
        ),
        migrations.RunPython(fill_wordings, migrations.RunPython.noop),
    ]
