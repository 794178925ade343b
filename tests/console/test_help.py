"""The user guides (R-13.1): one per role in docs/guides/, reached from the console's help link."""

from __future__ import annotations

import pytest

from pakn.console.help_views import GUIDES, GUIDES_DIR, ROLE_GUIDE
from pakn.org.models import User
from tests.console.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r for r in User.Role.values])
def test_the_help_link_opens_the_guide_of_the_role(org, role, admin_user):
    users = {
        "operator": org.operator,
        "leader": org.commune_leader,
        "officer": org.officer,
        "specialist": org.specialist(0),
        "supervisor": org.supervisor,
        "admin": admin_user,
    }
    client = signed_in(users[role])
    response = client.get("/console/huong-dan/")
    assert response.status_code == 302 and response["Location"] == f"/console/huong-dan/{ROLE_GUIDE[role]}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "<h1>" in text
        and "<script" not in text.split('<article class="c-card c-guide">')[1].split("</article>")[0]
    )


def test_every_guide_exists_in_vietnamese_and_its_pictures_too():
    import re

    for stem, _title in GUIDES.values():
        path = GUIDES_DIR / f"{stem}.md"
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Hướng dẫn cho ")
        for image in re.findall(r"!\[[^\]]*\]\((img/[^)]+)\)", text):
            assert (GUIDES_DIR / image).is_file(), image


def test_a_guide_image_is_served_and_paths_are_checked(org):
    client = signed_in(org.operator)
    images = sorted((GUIDES_DIR / "img").glob("*.png"))
    assert images
    assert client.get(f"/console/huong-dan/tiep-nhan/img/{images[0].name}").status_code == 200
    assert client.get("/console/huong-dan/tiep-nhan/img/..%2Fsettings.py").status_code == 404
    assert client.get("/console/huong-dan/khong-co/").status_code == 404
