from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lindung.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from lindung.core.jobs.runtime import job_finished
        from lindung.notifications.receivers import on_job_finished

        job_finished.connect(on_job_finished, dispatch_uid="notifications.job_finished")
