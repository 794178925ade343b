"""Every action form of the case page: the procedure's and marks' (forms.py) and staff media and moderation
(moderation_forms.py, issue 10), in the order the page shows them."""

from __future__ import annotations

from pakn.console.forms import ACTION_FORMS as PROCEDURE_FORMS
from pakn.console.forms import ActionForm
from pakn.console.moderation_forms import MODERATION_FORMS

ACTION_FORMS: dict[str, type[ActionForm]] = {**PROCEDURE_FORMS, **{f.action: f for f in MODERATION_FORMS}}
# Actions of the main procedure first; marks, bans and moderation last.
SIDE_ACTIONS = ("bar_reporter", "redact_text", "redact_photo")
MAIN_ACTIONS = tuple(a for a in ACTION_FORMS if not a.startswith("mark_") and a not in SIDE_ACTIONS)
