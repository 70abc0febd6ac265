"""The sectors cooperatives work in, shared by the project bank and accompaniment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SECTORS = {
    "agriculture": _l("Agriculture"),
    "argan": _l("Argan"),
    "aromatic-medicinal-plants": _l("Aromatic and medicinal plants"),
    "honey": _l("Honey and beekeeping"),
    "handicrafts": _l("Handicrafts"),
    "textiles": _l("Textiles and sewing"),
    "food-processing": _l("Food processing"),
    "tourism": _l("Tourism"),
    "services": _l("Services"),
    "other": _l("Other"),
}
