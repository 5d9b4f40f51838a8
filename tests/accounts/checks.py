"""Checks shared by the account tests and the demo build's tests."""

from __future__ import annotations

from lindung.accounts.models import User
from lindung.demo.services import DEMO_PASSWORD, demo_accounts


def check_demo_users() -> None:
    accounts = demo_accounts()
    users = {u.username: u for u in User.objects.select_related("organisation")}
    assert set(users) == {a.username for a in accounts}
    for account in accounts:
        user = users[account.username]
        assert user.role == account.role and user.check_password(DEMO_PASSWORD)
        assert sorted(user.scope_region_codes()) == sorted(account.scope)
        if account.organisation:
            assert (user.organisation.name, user.organisation.kind) == account.organisation[:2]
        else:
            assert user.organisation is None
