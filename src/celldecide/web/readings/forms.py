from __future__ import annotations

from django import forms

from celldecide.fetch.urls import has_scheme
from celldecide.reader import MAX_CHARS


class ReadForm(forms.Form):
    """Paste text, or give a public URL; one of the two."""

    text = forms.CharField(
        label="Paste the claim", required=False, max_length=MAX_CHARS, strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="A clinic page, a headline, a press release or a trial record. Plain text or HTML.",
    )
    # A plain text field: the fetcher parses the address itself and explains each refusal (a private address,
    # a scheme that is not http(s), a malformed host), where URLField would only say "Enter a valid URL".
    url = forms.CharField(
        label="Or give a public web address", required=False, max_length=2000, widget=forms.URLInput,
        help_text="CellDecide fetches the page once, reads it, and keeps nothing.",
    )

    def clean_url(self) -> str:
        """Return the address as typed, with https:// in front when it names no scheme ("clinic.example/page")."""
        url = self.cleaned_data["url"]
        return f"https://{url}" if url and not has_scheme(url) else url

    def clean(self):
        data = super().clean()
        text, url = (data.get("text") or "").strip(), data.get("url")
        if not text and not url:
            raise forms.ValidationError("Paste a text or give a web address to read.")
        if text and url:
            raise forms.ValidationError("Give either a text or a web address, not both.")
        return data
