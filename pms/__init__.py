"""The hotel's domain core: business rules and services. No UI code, no printing."""
