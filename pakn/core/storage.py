"""Media on object storage: short-lived signed links to private files (PAKN_MEDIA_S3_*).

On the filesystem the application streams every file itself after its permission check. On an S3-compatible
store the bucket is private and nothing in it has a public URL; a member of staff who may see a file is
redirected, after the same check, to a link signed for PAKN_MEDIA_S3_SIGNED_URL_SECONDS, so large videos do
not pass through the web servers and a copied link stops working within a minute.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import HttpResponseRedirect


def signed_url(stored: FieldFile, *, content_type: str, disposition: str = "inline") -> str | None:
    """A signed GET link to `stored` valid a short time, or None when media are on the filesystem."""
    if not settings.PAKN_MEDIA_S3_BUCKET or not stored.name:
        return None
    return str(
        stored.storage.url(  # type: ignore[call-arg]
            stored.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.PAKN_MEDIA_S3_SIGNED_URL_SECONDS,
        )
    )


def signed_redirect(
    stored: FieldFile, *, content_type: str, disposition: str = "inline"
) -> HttpResponseRedirect | None:
    link = signed_url(stored, content_type=content_type, disposition=disposition)
    if link is None:
        return None
    response = HttpResponseRedirect(link)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
