from django.contrib import admin

from chat.models import Closure, OpeningHours


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("weekday", "opens", "closes")
    list_editable = ("opens", "closes")
    list_display_links = ("weekday",)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("first_day", "last_day", "note")
    date_hierarchy = "first_day"
