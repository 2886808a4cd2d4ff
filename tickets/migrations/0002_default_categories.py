"""Ship the default complaint categories (DOMAIN.md §3)."""

from django.db import migrations

DEFAULTS = [
    ("quality", "产品质量", 10),
    ("attitude", "服务态度", 20),
    ("logistics", "物流", 30),
    ("payment", "支付", 40),
    ("other", "其他", 90),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("tickets", "Category")
    for code, name, position in DEFAULTS:
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
