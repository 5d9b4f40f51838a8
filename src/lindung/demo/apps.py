from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lindung.demo"
    label = "demo"
    verbose_name = "Demo"

    def ready(self) -> None:
        from lindung.accounts import demo_logins
        from lindung.demo.accounts import demo_accounts

        def logins() -> list[demo_logins.DemoLogin]:
            return [demo_logins.DemoLogin(a.username, a.role, a.scope) for a in demo_accounts()]

        demo_logins.provide(logins)  # the log-in page lists them (demo mode only)
