"""`pakn stats rebuild-facts`: write the facts of the statistics again from the timeline (after a restore, an
import that bypassed the services, or to repair them); `pakn stats check-facts`: compare them with the
timeline, exit status 1 when they differ. Both print their progress. docs/statistics.md, section "Facts"."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.stats import factsync


class Command(BaseCommand):
    help = "Rebuild (rebuild-facts) or check (check-facts) the facts of the statistics from the timeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild-facts", "check-facts"])
        parser.add_argument("--chunk", type=int, default=factsync.CHUNK, help="reports per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        if options["action"] == "rebuild-facts":
            factsync.rebuild(out, chunk=options["chunk"])
        elif factsync.check(out, chunk=options["chunk"]):
            raise CommandError("the facts differ from the timeline: run `pakn stats rebuild-facts`")
