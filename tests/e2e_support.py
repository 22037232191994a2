"""Kept for branches written before tests/tui.py: import from tests.tui instead."""

from tests.tui import (
    ORDER,
    ROOT,
    SEED,
    WAIT,
    OrderState,
    choose_next_in_dropdown,
    comptoir,
    comptoir_env,
    counter_sshd,
    force_command,
    open_order,
    order_state,
    terminals,
    wait_for,
    wait_until_gone,
)
from tests.tui import seed_url as seed

__all__ = [
    "ORDER",
    "ROOT",
    "SEED",
    "WAIT",
    "OrderState",
    "choose_next_in_dropdown",
    "comptoir",
    "comptoir_env",
    "counter_sshd",
    "force_command",
    "open_order",
    "order_state",
    "seed",
    "terminals",
    "wait_for",
    "wait_until_gone",
]
