"""Scheduled work. Each feature's jobs module registers its planner and its outbox kinds."""

from __future__ import annotations


def register_all() -> None:
    """Register every feature's scheduled work; idempotent (tests build many apps)."""
    from jobs import duty, planning

    planning.register()
    duty.register()
