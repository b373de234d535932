from django.db import migrations, models

from labinov.library.search.index import create_change_triggers, drop_change_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0007_embedding_run"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("entry_id", models.BigIntegerField()),
            ],
        ),
        migrations.AddField(
            model_name="librarystats",
            name="search_index",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.RunPython(create_change_triggers, drop_change_triggers),
    ]
