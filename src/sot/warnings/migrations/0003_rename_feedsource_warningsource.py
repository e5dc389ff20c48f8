"""The incoming-warnings source is a WarningSource ("feed" means only what sot
publishes); its messages' link to it is ``polled_from``. Renames keep the data."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("warnings", "0002_suggestion_cause_updated"),
    ]

    operations = [
        migrations.RenameModel(old_name="FeedSource", new_name="WarningSource"),
        migrations.RenameField(
            model_name="warningmessage", old_name="feed", new_name="polled_from"
        ),
    ]
