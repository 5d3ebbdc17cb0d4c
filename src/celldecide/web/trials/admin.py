from django.contrib import admin

from celldecide.web.trials.models import Trial


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    """Read-only view of imported trials: they change only through an import."""

    list_display = ("trial_id", "registry", "title", "overall_status", "is_cell_therapy", "pay_hint_level",
                    "last_update")  # fmt: skip
    list_filter = ("registry", "is_cell_therapy", "pay_hint_level", "overall_status")
    search_fields = ("trial_id", "title")
    readonly_fields = [f.name for f in Trial._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
