"""Item 5 of issue 10: a portal submission key replayed from another browser reveals nothing private."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from pakn.reports.models import Report
from tests.portal.conftest import form_data

pytestmark = pytest.mark.django_db
URL = reverse("portal:submit")


def _reporter_sends(org, *, as_json: bool = False) -> tuple[Client, uuid.UUID, str]:
    """A reporter opens the form, sends it, and is shown the private follow-up link."""
    reporter = Client()
    reporter.get(URL)
    key = uuid.uuid4()
    extra = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    first = reporter.post(URL, form_data(org, submission_key=str(key)), **extra)
    if as_json:
        link = first.json()["follow_up_url"]
    else:
        page = reporter.get(first["Location"])
        link = page.context["follow_up_url"]
    assert "/theo-doi/" in link or link.startswith("http"), link
    return reporter, key, link


def _follow_up_path(link: str) -> str:
    return link.split("://", 1)[-1].split("/", 1)[-1]


def test_submission_key_replay_from_another_browser_gets_no_follow_up_link(org):
    """The key is in the "sent" page's address (history, logs): replaying it must not yield the secret."""
    _, key, link = _reporter_sends(org)
    report = Report.objects.get()
    attacker = Client()
    attacker.get(URL)
    replay = attacker.post(URL, form_data(org, submission_key=str(key)), HTTP_ACCEPT="application/json")
    assert replay.status_code == 200
    body = replay.json()
    assert body["tracking_code"] == report.tracking_code
    assert _follow_up_path(link) not in replay.content.decode()
    assert not body.get("follow_up_url")
    html = attacker.post(URL, form_data(org, submission_key=str(key)), follow=True)
    assert _follow_up_path(link) not in html.content.decode()
    sent = attacker.get(reverse("portal:sent", args=[key]))
    assert _follow_up_path(link) not in sent.content.decode()
    assert Report.objects.count() == 1


def test_submission_key_replay_without_any_cookie_gets_no_follow_up_link(org):
    _, key, link = _reporter_sends(org, as_json=True)
    replay = Client().post(URL, form_data(org, submission_key=str(key)), HTTP_ACCEPT="application/json")
    assert _follow_up_path(link) not in replay.content.decode()
    assert json.loads(replay.content)["tracking_code"] == Report.objects.get().tracking_code


def test_the_sending_browser_still_gets_its_link_on_a_retry_after_a_lost_answer(org):
    """The offline queue's retry from the same browser (its session lost with the answer) keeps the link."""
    reporter, key, link = _reporter_sends(org, as_json=True)
    reporter.cookies.pop("sessionid", None)
    retry = reporter.post(URL, form_data(org, submission_key=str(key)), HTTP_ACCEPT="application/json")
    assert retry.status_code == 200 and retry.json()["follow_up_url"] == link
