"""Scheduled work: the one repeating scan (`jobs.scan`), the sender (`jobs.outbox`), and
each feature's planner (`jobs.ledger`, `jobs.reports`, `jobs.duty`).

Each feature's `register()` adds its planners to the scan (and is where it adds
its outbox kinds' hooks to the sender). `register_all` calls them and sets, in
this one place, the order a planning pass runs the planners in.
"""

from __future__ import annotations

from jobs import duty, ledger, office, reports
from jobs.scan import order_planners

# First, what an earlier day planned and could not send is dropped, so today's rows
# take its place (a stale escalation frees its key to be written again). Then the day's
# snapshot, on the ledger as it stood before this pass; the checks on duty (days off too);
# new tasks announced (交办) and signatures chased; today's reminders and escalations; the
# digests; what newly waits on the office; the bulletin; rosters chased. Rows
# due at the same moment are sent in the order written.
PASS_ORDER = (
    ledger.STALE,
    reports.STALE,
    duty.STALE_ROSTER_REMINDERS,
    reports.SNAPSHOT,
    duty.CHECKS,
    office.ANNOUNCE,
    ledger.REMINDERS,
    reports.DIGESTS,
    office.PUSH,
    reports.BULLETIN,
    duty.ROSTER_CHASING,
)


def register_all() -> None:
    """Every feature's planners, in `PASS_ORDER`; calling it again changes nothing."""
    ledger.register()
    reports.register()
    duty.register()
    office.register()
    order_planners(PASS_ORDER)
