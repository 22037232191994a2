"""Money: the arithmetic on Decimal amounts (VAT, shipping split, fees, payouts), the French
business-day calendar of payout dates, and the books of a month (Finances and its exports).

`from app import money` gives the arithmetic and the calendar, as `app.money.amounts` and
`app.money.holidays` define them; the books are `app.money.books`.
"""

from app.money import amounts as _amounts
from app.money.amounts import *  # noqa: F403  (what `amounts.__all__` lists)

__all__ = _amounts.__all__
