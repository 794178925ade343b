"""URLs of the citizen portal and the public pages (Vietnamese slugs), mounted at the site's root."""

from typing import Any

from django.urls import URLPattern, URLResolver, path

from pakn.portal import follow_views, mine, near_views, public_views, pwa_views, submit_views, tracking_views
from pakn.portal.view_helpers import vietnamese_unless_chosen

app_name = "portal"


def page(route: str, view: Any, name: str) -> URLPattern:
    """Every portal URL speaks Vietnamese unless the person chose English (view_helpers.vietnamese_unless_chosen)."""
    return path(route, vietnamese_unless_chosen(view), name=name)


urlpatterns: list[URLPattern | URLResolver] = [
    page("", public_views.home, "home"),
    page("gui-phan-anh/", submit_views.submit, "submit"),
    page("gui-phan-anh/da-gui/<uuid:key>/", submit_views.sent, "sent"),
    page("gui-phan-anh/trung-lap/", submit_views.duplicates, "duplicates"),
    page("gui-phan-anh/goi-y-xa/", submit_views.commune_suggest, "commune_suggest"),
    page("tra-cuu/", public_views.lookup, "lookup"),
    page("theo-doi/<str:secret>/", tracking_views.follow_up, "follow_up"),
    page("theo-doi/<str:secret>/bo-sung/", tracking_views.follow_up_supplement, "follow_up_supplement"),
    page("theo-doi/<str:secret>/lam-ro/", tracking_views.follow_up_reply, "follow_up_reply"),
    page("theo-doi/<str:secret>/danh-gia/", tracking_views.follow_up_rate, "follow_up_rate"),
    page("theo-doi/<str:secret>/anh/<int:pk>.jpg", tracking_views.follow_up_photo, "follow_up_photo"),
    page("phan-anh-cua-toi/", mine.mine, "mine"),
    page("phan-anh-cua-toi/dang-nhap/", mine.sign_in, "mine_sign_in"),
    page("phan-anh-cua-toi/nhap-ma/", mine.code, "mine_code"),
    page("phan-anh-cua-toi/dang-xuat/", mine.sign_out, "mine_sign_out"),
    page("phan-anh-cua-toi/<str:tracking_code>/duong-dan-moi/", mine.recover, "mine_recover"),
    page("phan-anh-cua-toi/thong-bao-day/dang-ky/", mine.push_subscribe, "mine_push_subscribe"),
    page("phan-anh-cua-toi/thong-bao-day/huy/", mine.push_unsubscribe, "mine_push_unsubscribe"),
    page("phan-anh/", public_views.public_list, "list"),
    page("phan-anh/<str:code>/", public_views.public_detail, "detail"),
    page("phan-anh/<str:code>/cung-gap/", follow_views.me_too, "me_too"),
    page("phan-anh/<str:code>/theo-doi/", follow_views.follow_sms, "follow"),
    page("phan-anh/<str:code>/theo-doi/xac-nhan/", follow_views.follow_confirm, "follow_confirm"),
    page("phan-anh/<str:code>/theo-doi/thong-bao-day/", follow_views.follow_push, "follow_push"),
    page("ngung-theo-doi/<str:token>/", follow_views.unfollow, "unfollow"),
    page("phan-anh/<str:code>/anh/<int:pk>.jpg", public_views.public_photo, "public_media"),
    page("phan-anh/<str:code>/anh/<int:pk>-<str:size>.jpg", public_views.public_photo, "photo_sized"),
    page("ban-do/", public_views.public_map, "map"),
    page("ban-do/du-lieu.json", public_views.map_data, "map_data"),
    page("ban-do/gan-toi.json", near_views.map_near, "map_near"),
    page("chinh-sach-du-lieu/", public_views.privacy, "privacy"),
    page("manifest.webmanifest", pwa_views.manifest, "manifest"),
    page("sw.js", pwa_views.service_worker, "service_worker"),
    page("offline/", pwa_views.offline, "offline"),
]
