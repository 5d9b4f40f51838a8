import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.config.settings")
application = get_wsgi_application()

from lindung.config.guard import refuse_demo_key_outside_demo  # noqa: E402 - needs settings

refuse_demo_key_outside_demo()

from lindung.core.serving import warm_up  # noqa: E402 - needs the application

# Each gunicorn worker imports this module after its fork: the views and templates load now.
warm_up()
