"""Client-made ids and observed/received times on the records an operator makes.

Existing rows get a generated id; their received time is their own time (the best we
know). StatusReport.created_at becomes observed_at: it always was the time the report
describes.
"""

import uuid

import django.utils.timezone
from django.db import migrations, models

RECORDS = {
    "statusreport": "observed_at",
    "reportconfirmation": "confirmed_at",
    "fueldelivery": "delivered_at",
    "logentry": "at",
}


def fill(apps, schema_editor):
    for name, time_field in RECORDS.items():
        model = apps.get_model("operations", name)
        for row in model.objects.only("pk", time_field).iterator():
            model.objects.filter(pk=row.pk).update(
                uid=uuid.uuid4(), received_at=getattr(row, time_field)
            )


def received_fields(name):
    return [
        migrations.AddField(
            model_name=name,
            name="uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="id"),
        ),
        migrations.AddField(
            model_name=name,
            name="received_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="mottagen",
            ),
        ),
        migrations.AddField(
            model_name=name,
            name="clock_offset_s",
            field=models.FloatField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="avsändarens klocka före (s)",
            ),
        ),
        migrations.AddField(
            model_name=name,
            name="via_box",
            field=models.CharField(blank=True, max_length=100, verbose_name="via box"),
        ),
    ]


def unique_uid(name):
    return migrations.AlterField(
        model_name=name,
        name="uid",
        field=models.UUIDField(
            default=uuid.uuid4, editable=False, unique=True, verbose_name="id"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0003_alter_statusreport_fuel_products_and_more"),
    ]

    operations = [
        migrations.RenameField(
            model_name="statusreport", old_name="created_at", new_name="observed_at"
        ),
        migrations.AlterField(
            model_name="statusreport",
            name="observed_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                verbose_name="observerad",
            ),
        ),
        migrations.AlterModelOptions(
            name="statusreport",
            options={
                "ordering": ["-observed_at", "-id"],
                "verbose_name": "lägesrapport från punkt",
                "verbose_name_plural": "lägesrapporter från punkter",
            },
        ),
        *[op for name in RECORDS for op in received_fields(name)],
        migrations.AddField(
            model_name="checklistitem",
            name="done_uid",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="checklistitem",
            name="done_received_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[unique_uid(name) for name in RECORDS],
    ]
