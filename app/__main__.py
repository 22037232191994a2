"""`python -m app` is the same as `comptoir`."""

from app.cli import main

raise SystemExit(main())
