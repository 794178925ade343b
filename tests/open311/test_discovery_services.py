"""GeoReport v2 discovery, services and service definitions, in JSON (official schemas) and XML (element by
element). Services are the categories (R-6.1); their attributes carry the R-5.1 fields the spec lacks."""

from __future__ import annotations

import pytest

from tests.open311.conftest import BASE, children, text, validate, xml_root

SERVICE_ELEMENTS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_ELEMENTS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
]


def test_discovery_in_json_and_xml(o311, org):
    doc = o311.get(f"{BASE}/discovery.json").json()
    validate(doc, "discovery.json")
    assert doc["endpoints"][0]["url"] == "http://testserver/open311/v2"
    root = xml_root(o311.get(f"{BASE}/discovery.xml"), "discovery")
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert text(endpoint, "specification") == "http://wiki.open311.org/GeoReport_v2"


def test_services_are_the_active_categories(o311, org):
    """R-6.1: the categories are the services, with the official shape."""
    org.category.__class__.objects.filter(code="linh-vuc-khac").update(is_active=False)
    services = o311.get(f"{BASE}/services.json").json()
    validate(services, "services.json")
    assert len(services) == 6 and "linh-vuc-khac" not in {s["service_code"] for s in services}
    sanitation = next(s for s in services if s["service_code"] == "ve-sinh-moi-truong")
    assert sanitation == {
        "service_code": "ve-sinh-moi-truong",
        "service_name": "Vệ sinh môi trường",
        "description": None,
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": "Sở Nông nghiệp và Môi trường",
    }
    root = xml_root(o311.get(f"{BASE}/services.xml"), "services")
    assert len(root) == 6
    for service, expected in zip(root, services, strict=True):
        assert service.tag == "service" and children(service) == SERVICE_ELEMENTS
        assert text(service, "service_code") == expected["service_code"]
        assert text(service, "service_name") == expected["service_name"]
        assert text(service, "metadata") == "true" and text(service, "type") == "realtime"
        assert text(service, "description") == ""  # null is an empty element


def test_a_service_definition_lists_the_r51_attributes(o311, org):
    """R-5.1, R-5.2: address, ID number, commune and the truthfulness declaration, none required (R-7.2b)."""
    definition = o311.get(f"{BASE}/services/ve-sinh-moi-truong.json").json()
    validate(definition, "service-definition.json")
    attributes = definition["attributes"]
    assert [a["code"] for a in attributes] == [
        "reporter_address",
        "reporter_id_number",
        "commune",
        "declared_truthful",
    ]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4]
    assert not any(a["required"] for a in attributes)
    communes = attributes[2]["values"]
    assert len(communes) == 65 and {"key": "5977", "name": "Phường Đông Kinh"} in communes

    root = xml_root(o311.get(f"{BASE}/services/ve-sinh-moi-truong.xml"), "service_definition")
    assert children(root) == ["service_code", "attributes"]
    xml_attributes = root.findall("attributes/attribute")
    assert [text(a, "code") for a in xml_attributes] == [a["code"] for a in attributes]
    assert children(xml_attributes[0]) == ATTRIBUTE_ELEMENTS
    assert children(xml_attributes[2]) == [*ATTRIBUTE_ELEMENTS, "values"]
    first = xml_attributes[2].find("values/value")
    assert children(first) == ["key", "name"]
    assert (text(first, "key"), text(first, "name")) == (communes[0]["key"], communes[0]["name"])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_specs_error_format(o311, org, fmt):
    response = o311.get(f"{BASE}/services/khong-co.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        validate(response.json(), "errors.json")
        assert response.json()[0]["code"] == 404
    else:
        root = xml_root(response, "errors")
        error = root.find("error")
        assert children(error) == ["code", "description"] and text(error, "code") == "404"


def test_a_foreign_jurisdiction_is_refused_and_ours_is_accepted(o311, org, settings):
    assert o311.get(f"{BASE}/services.json", {"jurisdiction_id": "hanoi.gov.vn"}).status_code == 404
    ours = o311.get(f"{BASE}/services.json", {"jurisdiction_id": settings.PAKN_OPEN311_JURISDICTION})
    assert ours.status_code == 200


def test_unknown_formats_are_not_served(o311, org):
    assert o311.get(f"{BASE}/services.csv").status_code == 404


def test_reads_are_rate_limited_with_retry_after(o311, org, settings):
    settings.PAKN_API_RATES = {"read": (2, 60)}
    for _ in range(2):
        assert o311.get(f"{BASE}/services.json").status_code == 200
    response = o311.get(f"{BASE}/services.json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    validate(response.json(), "errors.json")
