"""The database layer: typed models, engines and sessions. Knows nothing of the business."""

# Every model module is imported here so that `Base.metadata` is complete whichever is used.
from db import folios, models

__all__ = ["folios", "models"]
