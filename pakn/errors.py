"""The project's 400 handler: a request refused before any view (a body too large, too many fields) gets an
error in the format of the surface it was sent to — problem details for the REST API, the GeoReport error
document for Open311, a page for the portal and the console — instead of Django's bare HTML."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _message(exception: Exception | None) -> tuple[int, str]:
    if isinstance(exception, RequestDataTooBig):
        return 413, "Nội dung gửi lên quá lớn."
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return 413, "Yêu cầu có quá nhiều trường hoặc tệp."
    return 400, "Yêu cầu không hợp lệ."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    status, message = _message(exception)
    path = request.path
    if path.startswith("/api/"):
        from pakn.api.problems import problem

        return problem(status, "payload_too_large" if status == 413 else "bad_request", message)
    if path.startswith("/open311/"):
        from pakn.open311.render import errors

        return errors(status, [message], "xml" if path.endswith(".xml") else "json")
    return render(request, "portal/bad_request.html", {"nav": "", "message": message}, status=status)
