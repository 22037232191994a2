"""Screens: one module per screen of the TUI."""
