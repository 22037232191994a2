"""Intake: orders entering Comptoir — the marketplace's JSON validated strictly and imported
all or nothing per file (`files.py`); room for the webhook endpoint and the drop folder."""
