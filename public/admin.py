from django.contrib import admin

from public.models import GuideChannel, GuideChoice, GuideNode, InfoSessionSignup, SelfCheckItem


@admin.register(SelfCheckItem)
class SelfCheckItemAdmin(admin.ModelAdmin):
    list_display = ("position", "text", "checklist", "is_safety")
    list_display_links = ("text",)
    list_filter = ("checklist", "is_safety")


class GuideChoiceInline(admin.TabularInline):
    model = GuideChoice
    fk_name = "question"
    extra = 0


class GuideChannelInline(admin.TabularInline):
    model = GuideChannel
    extra = 0


@admin.register(GuideNode)
class GuideNodeAdmin(admin.ModelAdmin):
    list_display = ("key", "text", "kind", "is_start")
    list_filter = ("kind",)
    inlines = [GuideChoiceInline, GuideChannelInline]


@admin.register(InfoSessionSignup)
class InfoSessionSignupAdmin(admin.ModelAdmin):
    """Read-only: sign-ups come from the public form and leave by the retention job."""

    list_display = ("preferred_date", "organisation", "role", "email", "created_at")
    readonly_fields = ("organisation", "role", "email", "preferred_date", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
