"""The preparation day: pick list, line checklist, out-of-stock lines, age timers, pickup
board and bulk changes (issue 13; empty until it lands)."""
