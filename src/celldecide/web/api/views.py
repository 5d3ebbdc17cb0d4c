"""A server-rendered page that documents the API from its own OpenAPI document (no JavaScript)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from celldecide.web.api.api import api


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """List every endpoint with its method, summary, parameters and description."""
    schema = api.get_openapi_schema()
    endpoints = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [(p["name"], p["in"], p.get("required", False)) for p in op.get("parameters", [])],
                    "has_body": "requestBody" in op,
                }
            )
    return render(
        request,
        "api/docs.html",
        {"title": "API", "description": schema["info"]["description"], "endpoints": endpoints, "info": schema["info"]},
    )
