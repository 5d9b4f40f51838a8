from django.contrib import admin

from lindung.accounts.models import Organisation, User
from lindung.core.admin import ReadOnlyAdmin


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Users are created with `lindung users add` so that role and scope are checked and audited."""

    list_display = ["username", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "email"]
    exclude = ["password"]
