"""JSON-LD blocks for pages (schema.org MedicalWebPage, FAQPage, DefinedTermSet)."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe


def _dump(data: dict) -> SafeString:
    # Escape "<" so that no text can close the script element the block sits in.
    return mark_safe(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c"))


def medical_web_page(*, title: str, description: str, url: str, last_reviewed: str | None = None) -> SafeString:
    """Return a MedicalWebPage JSON-LD object for a page."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": title,
        "description": description,
        "url": url,
        "audience": {"@type": "PeopleAudience", "audienceType": "Patients"},
        "inLanguage": "en",
    }
    if last_reviewed:
        data["lastReviewed"] = last_reviewed
    return _dump(data)


def faq_page(*, faqs, url: str) -> SafeString:
    """Return a FAQPage JSON-LD object from FAQ entries (question, answer)."""
    return _dump(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "url": url,
            "mainEntity": [
                {"@type": "Question", "name": f.question, "acceptedAnswer": {"@type": "Answer", "text": f.answer}}
                for f in faqs
            ],
        }
    )


def defined_term_set(*, name: str, description: str, url: str, terms: list[tuple[str, str, str]]) -> SafeString:
    """Return a DefinedTermSet JSON-LD object from (term, definition, url) triples, for the glossary."""
    return _dump(
        {
            "@context": "https://schema.org",
            "@type": "DefinedTermSet",
            "name": name,
            "description": description,
            "url": url,
            "inLanguage": "en",
            "hasDefinedTerm": [
                {"@type": "DefinedTerm", "name": term, "description": definition, "url": term_url}
                for term, definition, term_url in terms
            ],
        }
    )
