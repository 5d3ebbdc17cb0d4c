from __future__ import annotations

from django import forms


class ReportForm(forms.Form):
    page = forms.CharField(max_length=300, widget=forms.HiddenInput)
    problem = forms.CharField(
        label="What is wrong?", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Quote the sentence or fact, and say what is wrong with it.",
    )
    suggestion = forms.CharField(
        label="What should it say? (optional)", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}), help_text="A source helps the editors check quickly.",
    )
    contact = forms.CharField(
        label="Email, if you would like a reply (optional)", max_length=200, required=False,
        help_text="Never published.",
    )

    def clean_page(self) -> str:
        page = self.cleaned_data["page"]
        # Browsers read /\host and /<tab>/host as another site, so backslashes and control characters go too.
        if not page.startswith("/") or page.startswith("//") or "\\" in page or not page.isprintable():
            raise forms.ValidationError("The page must be a path on this site.")
        return page
