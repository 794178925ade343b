"""Reading a request's body the same way in every surface."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest


def json_object(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object; {} when it is empty, unreadable or not an object (the caller then refuses)."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
