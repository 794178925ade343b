"""The province an installation serves, and every text derived from it (print header, API, portal, messages).

The province's name, type, code, regulation and Open311 jurisdiction are settings (`PAKN_PROVINCE_*`,
`PAKN_REGULATION_*`, `PAKN_OPEN311_JURISDICTION`); the site's names, the print header and the Open311 contact
have their own settings too, and when those are empty they are derived here, at the time of use.
"""

from __future__ import annotations

from django.conf import settings


def province_name() -> str:
    """The province's name without its type: "<tên tỉnh>"."""
    return str(settings.PAKN_PROVINCE_NAME)


def province_label() -> str:
    """The province with its type, as used inside a sentence: "tỉnh <tên tỉnh>"."""
    return f"{settings.PAKN_PROVINCE_TYPE} {settings.PAKN_PROVINCE_NAME}"


def province_code() -> str:
    return str(settings.PAKN_PROVINCE_CODE)


def regulation_short() -> str:
    """ "Quyết định 826/QĐ-UBND"."""
    return f"Quyết định {settings.PAKN_REGULATION_NUMBER}"


def regulation_full() -> str:
    """ "Quyết định số 826/QĐ-UBND ngày 12/5/2022 của UBND tỉnh <tên tỉnh>" (Decree 30/2020 date style)."""
    day = settings.PAKN_REGULATION_DATE
    return (
        f"Quyết định số {settings.PAKN_REGULATION_NUMBER} ngày {day.day}/{day.month}/{day.year} "
        f"của UBND {province_label()}"
    )


def site_name() -> str:
    return str(settings.PAKN_SITE_NAME or f"Cổng phản ánh, kiến nghị {province_label()}")


def site_short_name() -> str:
    return str(settings.PAKN_SITE_SHORT_NAME or f"PAKN {province_name()}")


def site_owner() -> str:
    return str(settings.PAKN_SITE_OWNER or f"Ủy ban nhân dân {province_label()}")


def report_governing_body() -> str:
    """The governing body above the issuer in a printed report's header: "UBND TỈNH <TÊN TỈNH>"."""
    return str(settings.PAKN_REPORT_GOVERNING_BODY or f"UBND {province_label()}".upper())


def report_place() -> str:
    """The place before the date of a printed report: "<tên tỉnh>, ngày …"."""
    return str(settings.PAKN_REPORT_PLACE or province_name())


def open311_jurisdiction() -> str:
    return str(settings.PAKN_OPEN311_JURISDICTION)


def open311_contact() -> str:
    return str(
        settings.PAKN_OPEN311_CONTACT
        or f"Trung tâm IOC {province_label()} — liên hệ quản trị hệ thống để được cấp api_key"
    )


def api_title() -> str:
    return f"PAKN {province_name()}"


def api_contact() -> str:
    return f"Trung tâm IOC {province_label()}"
