"""Pages of the marketplace, one module per room, on one blueprint (`market`).

HTTP only: the rules live in market.services. Importing the rooms adds their routes to `bp`.
"""

from market.views import cooperatives, orders, photos, products  # noqa: F401
from market.views.common import bp, dashboard_card

__all__ = ["bp", "dashboard_card"]
