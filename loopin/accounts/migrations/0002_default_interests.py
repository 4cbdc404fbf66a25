from django.db import migrations
from django.utils.text import slugify

DEFAULT_INTERESTS = [
    "Music & Concerts", "Sports & Fitness", "Food & Dining", "Art & Culture", "Technology",
    "Travel & Adventure", "Business & Networking", "Health & Wellness", "Education & Learning", "Entertainment",
]


def create_defaults(apps, schema_editor):
    Interest = apps.get_model("accounts", "Interest")
    for position, name in enumerate(DEFAULT_INTERESTS, start=1):
        Interest.objects.get_or_create(slug=slugify(name.replace("&", "and")),
                                       defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
