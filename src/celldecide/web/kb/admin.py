from django.contrib import admin

from celldecide.web.kb.models import KnowledgeEntry, KnowledgeState


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    list_display = ("collection", "key", "title", "file")
    list_filter = ("collection",)
    search_fields = ("key", "title")
    readonly_fields = ("collection", "key", "title", "file", "data", "digest")


@admin.register(KnowledgeState)
class KnowledgeStateAdmin(admin.ModelAdmin):
    list_display = ("version", "loaded_at")
    readonly_fields = ("version", "loaded_at", "counts")
