from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lindung.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from lindung.core import home
        from lindung.core.jobs.runtime import job_finished
        from lindung.notifications.home import items as home_items
        from lindung.notifications.receivers import on_job_finished

        job_finished.connect(on_job_finished, dispatch_uid="notifications.job_finished")
        home.register("notifications", home_items)  # its cards on the home page (core.home)
