"""The database layer: typed models, engines and sessions. Knows nothing of the business."""
