"""An Open311 client's round trip, as another city's tool would do it: discover, list services, read a
service's definition, post a request, look up its token, fetch the request — each answer validated."""

from __future__ import annotations

from django.test import Client

from pakn.reports.models import Report
from tests.open311.conftest import BASE, text, validate, xml_root


def test_a_geo_report_v2_client_round_trip_in_json(org, api_key):
    client = Client()
    discovery = client.get(f"{BASE}/discovery.json").json()
    validate(discovery, "discovery.json")
    endpoint = discovery["endpoints"][0]["url"].replace("http://testserver", "")

    services = client.get(f"{endpoint}/services.json").json()
    validate(services, "services.json")
    service = services[0]
    assert service["metadata"] is True
    definition = client.get(f"{endpoint}/services/{service['service_code']}.json").json()
    validate(definition, "service-definition.json")
    commune = next(a for a in definition["attributes"] if a["code"] == "commune")["values"][0]["key"]

    posted = client.post(
        f"{endpoint}/requests.json",
        {
            "api_key": api_key,
            "service_code": service["service_code"],
            "description": "Đèn đường hỏng cả tuần nay.",
            "lat": "21.85",
            "long": "106.76",
            "first_name": "Bình",
            "last_name": "Hoàng",
            "phone": "0987654321",
            "attribute[commune]": commune,
            "attribute[declared_truthful]": "true",
        },
        HTTP_IDEMPOTENCY_KEY="round-trip-0001",
    )
    assert posted.status_code == 201
    validate(posted.json(), "created.json")
    token = posted.json()[0]["token"]

    looked_up = client.get(f"{endpoint}/tokens/{token}.json").json()
    validate(looked_up, "tokens.json")
    request_id = looked_up[0]["service_request_id"]

    fetched = client.get(f"{endpoint}/requests/{request_id}.json").json()
    validate(fetched, "requests.json")
    assert fetched[0]["service_request_id"] == request_id and fetched[0]["status"] == "open"
    assert fetched[0]["service_code"] == service["service_code"]
    assert "Hoàng" not in str(fetched) and "0987654321" not in str(fetched)
    report = Report.objects.get(tracking_code=request_id)
    assert report.channel == "open311" and report.area.code == commune


def test_the_same_round_trip_in_xml(org, api_key):
    client = Client()
    services = xml_root(client.get(f"{BASE}/services.xml"), "services")
    code = text(services.find("service"), "service_code")
    posted = xml_root(
        client.post(
            f"{BASE}/requests.xml",
            {
                "api_key": api_key,
                "service_code": code,
                "description": "Cây đổ chắn đường.",
                "address_string": "Bến Bắc",
            },
        ),
        "service_requests",
    )
    token = text(posted.find("request"), "token")
    looked_up = xml_root(client.get(f"{BASE}/tokens/{token}.xml"), "service_requests")
    request_id = text(looked_up.find("request"), "service_request_id")
    fetched = xml_root(client.get(f"{BASE}/requests/{request_id}.xml"), "service_requests")
    request = fetched.find("request")
    assert text(request, "service_request_id") == request_id and text(request, "service_code") == code
    assert text(request, "address") == "Bến Bắc"
