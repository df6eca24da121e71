from django.contrib import admin

from partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "phone",
        "hours",
        "kind",
        "is_public",
        "accepts_referrals",
        "emergency_order",
    )
    list_filter = ("kind", "is_public", "accepts_referrals")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("slug", "name", "name_en", "kind", "summary", "summary_en")}),
        (
            "Bereikbaarheid",
            {
                "fields": (
                    "phone",
                    "phone_extra",
                    "website",
                    "chat",
                    "hours",
                    "hours_en",
                    "cost",
                    "cost_en",
                    "anonymous",
                )
            },
        ),
        ("Op de website", {"fields": ("is_public", "emergency_order")}),
        ("Voor medewerkers", {"fields": ("accepts_referrals", "referral_route", "contact_facts")}),
    )
