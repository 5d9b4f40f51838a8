"""What accounts audits (docs/audit-events.md)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class AccountsAudit(AuditAction):
    """Organisations, users and their scope, API tokens and log-in lockouts."""

    ORGANISATION_CREATE = "accounts.organisation.create", _("Organisation created")
    USER_CREATE = "accounts.user.create", _("User created")
    USER_SET_SCOPE = "accounts.user.set_scope", _("User's region scope changed")
    TOKEN_ISSUE = "accounts.token.issue", _("API token issued")
    TOKEN_REVOKE = "accounts.token.revoke", _("API token revoked")
    LOGIN_UNLOCK = "accounts.login.unlock", _("Log-in unlocked")
