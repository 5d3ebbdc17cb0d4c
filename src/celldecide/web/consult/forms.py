from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

# Long enough for a clinic's longest answer, short enough that a whole sheet stays a small request.
MAX_ANSWER_CHARS = 5_000


def field_name(question_id: str) -> str:
    """Return the form field that holds the answer to one question."""
    return f"q_{question_id}"


class ConsultForm(forms.Form):
    """The worksheet: an optional clinic name and date, and one answer box per clinic question."""

    clinic = forms.CharField(label="Clinic name (optional)", required=False, max_length=200)
    consulted_on = forms.DateField(
        label="Date of the consult (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2026-11-26."},
    )

    def __init__(self, *args: Any, questions: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[field_name(question.id)] = forms.CharField(
                label=question.question, required=False, max_length=MAX_ANSWER_CHARS, strip=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": (
                    f"Keep each answer under {MAX_ANSWER_CHARS:,} characters: this one has %(show_value)d. "
                    "Shorten it to the part that answers the question."
                )},
            )

    def answers(self) -> dict[str, str]:
        """Return question id -> answer, for a valid form."""
        return {q.id: self.cleaned_data.get(field_name(q.id)) or "" for q in self.questions}
