from django.contrib import admin
from django.utils import timezone

from celldecide.web.corrections.models import Correction


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "page", "status", "fixed_on")
    list_filter = ("status",)
    search_fields = ("page", "problem", "suggestion")
    readonly_fields = ("page", "problem", "suggestion", "contact", "created_at")
    actions = ["mark_fixed"]

    @admin.action(description="Mark as fixed today")
    def mark_fixed(self, request, queryset):
        queryset.update(status=Correction.Status.FIXED, fixed_on=timezone.localdate())
