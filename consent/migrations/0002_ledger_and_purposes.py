from django.db import migrations

from coproduction.core.db import append_only

# Version 1 of each purpose's wording. Later wordings are added as new versions in the
# admin, never by editing these.
PURPOSES = [
    ("take_part", "Do you want to take part in group sessions?",
     "You can come to sessions, and we keep a note that you came. You can stop at any time."),
    ("anonymous_quotes", "May we use your words in reports, without your name?",
     "Something you said could appear in a report, with no name or detail that shows it was you."),
    ("named_credit", "May we thank you by name in reports?",
     "Your name would appear in reports as someone who helped. Only if you want it."),
    ("photos", "May we take photos with you in them?",
     "Photos of sessions might be used in reports or talks. Say no and you will never be in one."),
    ("recordings", "May we record you (sound or video)?",
     "Some sessions might be recorded to help us remember what was said."),
    ("share_contact_with_partner", "May we give your contact details to the partner organisation?",
     "They could then contact you about their own services, in the ways you chose."),
    ("future_projects", "May we tell you about future projects?",
     "When this project ends, we could let you know about new ones."),
    ("checkins_seen_by_support_worker", "May your support worker see your check-in answers?",
     "Your support worker could see how you said you were doing between sessions."),
]  # fmt: skip


def add_purposes(apps, schema_editor):
    ConsentPurpose = apps.get_model("consent", "ConsentPurpose")
    ConsentText = apps.get_model("consent", "ConsentText")
    for order, (slug, question, explanation) in enumerate(PURPOSES):
        purpose, _ = ConsentPurpose.objects.get_or_create(slug=slug, defaults={"order": order})
        ConsentText.objects.get_or_create(
            purpose=purpose,
            version=1,
            defaults={"question": question, "explanation": explanation},
        )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [
        append_only("consent_consentevent"),
        migrations.RunPython(add_purposes, migrations.RunPython.noop),
    ]
