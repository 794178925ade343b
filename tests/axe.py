"""axe-core in the browser tests (issue 14, "Done means"): every main page has no critical or serious
violation. The script is node_modules/axe-core (npm, no CDN), evaluated through the debugging protocol: the
site's CSP refuses an injected inline script (and eval, so no add_script_tag)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import evaluate_within

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Any) -> list[str]:
    """The serious and critical violations on the page as it is now, one line each (rule, impact, help,
    the first few elements)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = evaluate_within(page, "() => axe.run(document, {resultTypes: ['violations']})", timeout=60)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def axe_report(page: Any, paths: list[str], *, settle: Any = None) -> dict[str, list[str]]:
    """Open each path and collect its violations ({} when every page is clean). `settle(page)` waits for
    what the page loads after itself (a map, a list), if given."""
    found: dict[str, list[str]] = {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if settle is not None:
            settle(page)
        if violations := axe_violations(page):
            found[path] = violations
    return found
