"""Statistics, periodic reports, rankings and exports (issue 6)."""
