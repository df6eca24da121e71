from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts import staff
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("HOC", {"fields": ("role",)}),
    )
    actions = ["issue_enrolment_links"]

    @admin.action(description=_("Koppellink voor de authenticator-app maken"))
    def issue_enrolment_links(self, request, queryset):
        """One-time links, shown once on this page and kept nowhere (only their hash)."""
        links = [
            (user.username, request.build_absolute_uri(staff.issue_enrolment_link(user)))
            for user in queryset.filter(role__in=User.STAFF_ROLES)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Koppellinks"),
            "links": links,
            "hours": staff.ENROLMENT_LINK_HOURS,
        }
        return TemplateResponse(request, "accounts/admin_enrolment_links.html", context)
