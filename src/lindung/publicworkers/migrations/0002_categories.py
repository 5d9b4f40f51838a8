"""The shipped categories and their default rules (data/categories.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from lindung.publicworkers.rules import category_rows

    Category = apps.get_model("publicworkers", "Category")
    CategoryRule = apps.get_model("publicworkers", "CategoryRule")
    for row in category_rows():
        category, _ = Category.objects.update_or_create(
            code=row["code"],
            defaults={"order": int(row["order"]), "label_id": row["label_id"],
                      "label_en": row["label_en"]},
        )
        CategoryRule.objects.update_or_create(
            category=category, regency=None,
            defaults={"segment": row["segment"], "programmes": row["programmes"],
                      "wage_basis": row["wage_basis"],
                      "wage_amount": int(row["wage_amount"]) if row["wage_amount"] else None,
                      "source": row["source"], "confidence": row["confidence"]},
        )


def unload(apps, schema_editor):
    apps.get_model("publicworkers", "CategoryRule").objects.filter(regency=None).delete()


class Migration(migrations.Migration):
    dependencies = [("publicworkers", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
