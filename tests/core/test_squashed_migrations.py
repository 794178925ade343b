"""The migrations squashed before go-live (docs/operations.md, "Migrations squashed before go-live"): every
migration of the old chains is still named by a `replaces`, so a database that applied them applies nothing
more and shows the squashed ones as applied."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# The chains as they stood before the squash (release before go-live).
OLD_CHAINS = {
    "api": ["0001_initial", "0002_token_credentials", "0003_idempotency_to_core"],
    "console": ["0001_initial", "0002_seed_response_templates"],
    "notify": [
        "0001_initial",
        "0002_outbox_deliveries",
        "0003_seed_templates",
        "0004_sign_in_code",
        "0005_urged",
        "0006_kinds_urged_and_sign_in",
        "0007_notification_done",
        "0008_notifications_done_so_far",
        "0009_followers",
        "0010_seed_follower_templates",
        "0011_kinds_after_follow",
    ],
    "org": [
        "0001_initial",
        "0002_seed_categories",
        "0003_account_events",
        "0004_vietnamese_collation",
        "0005_area_boundaries",
        "0006_focal_help_text",
        "0007_category_proposals",
    ],
    "portal": ["0001_initial", "0002_submission_sender", "0003_my_reports_sign_in"],
    "reports": [
        "0001_initial",
        "0002_seed_deadline_policies",
        "0003_statistics_indexes",
        "0004_tamper_evidence_public_text",
        "0005_public_list_indexes",
        "0006_deadline_nature",
        "0007_search_text",
        "0008_attachment_uploader_publication",
        "0009_event_note_public",
        "0010_me_too",
        "0011_ban_lifting_opinion_overdue",
    ],
    "workdays": ["0001_initial", "0002_seed_2026_overrides"],
}
OLD = {(app, name) for app, names in OLD_CHAINS.items() for name in names}


def _squashed(loader: MigrationLoader) -> dict[tuple[str, str], list[tuple[str, str]]]:
    return {key: list(m.replaces) for key, m in loader.disk_migrations.items() if m.replaces}


def test_every_old_migration_is_replaced_by_its_apps_squashed_one():
    squashed = _squashed(MigrationLoader(None, ignore_no_migrations=True))
    assert {key for replaces in squashed.values() for key in replaces} == OLD
    for (app, name), replaces in squashed.items():
        assert {a for a, _ in replaces} == {app}
        assert name == f"0001_squashed_{replaces[-1][1]}"


@pytest.mark.django_db
def test_a_database_migrated_with_the_old_chains_applies_nothing_more():
    recorded = MigrationRecorder(connection).migration_qs
    # `migrate` recorded what the squashed migrations replace, as the old chains had; without the squashed
    # ones' own rows this database is one the old chains migrated.
    assert set(recorded.values_list("app", "name")) >= OLD
    recorded.filter(name__contains="_squashed_").delete()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert set(_squashed(executor.loader)) <= set(executor.loader.applied_migrations)
