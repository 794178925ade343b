"""Public URLs of pakn.stats: the open-data export, mounted by the project at /du-lieu-mo/."""

from django.urls import URLPattern, URLResolver, path

from pakn.stats import checkpoints, opendata

app_name = "opendata"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", opendata.index, name="index"),
    path("phan-anh.csv", opendata.reports_csv, name="reports_csv"),
    path("phan-anh.json", opendata.reports_json, name="reports_json"),
    path("kiem-toan/", checkpoints.checkpoint_index, name="checkpoints"),
    path("kiem-toan/khoa-cong-khai.pem", checkpoints.checkpoint_key, name="checkpoint_key"),
    path("kiem-toan/<int:number>.json", checkpoints.checkpoint_detail, name="checkpoint"),
]
