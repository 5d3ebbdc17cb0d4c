from __future__ import annotations

from django.db import models


class Correction(models.Model):
    """A reported error on a page, and what the editors did about it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        FIXED = "fixed", "Fixed"
        DECLINED = "declined", "Declined"

    page = models.CharField(max_length=300, help_text="The path of the page the report is about.")
    problem = models.TextField(max_length=4000)
    suggestion = models.TextField(max_length=4000, blank=True)
    contact = models.CharField(max_length=200, blank=True, help_text="Optional; never published.")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    fixed_on = models.DateField(null=True, blank=True)
    public_note = models.TextField(blank=True, help_text="What was fixed, as shown in the public log.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "fixed_on"])]

    def __str__(self) -> str:
        return f"{self.page}: {self.problem[:60]}"
