"""Printing: the counter's CUPS queue for full pages and its ESC/POS receipt printer (order
tickets); empty until issue 14 lands."""
