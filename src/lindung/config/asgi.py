import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
application = get_asgi_application()

from lindung.config.guard import refuse_demo_key_outside_demo  # noqa: E402 - needs settings

refuse_demo_key_outside_demo()
