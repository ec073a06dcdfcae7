"""Edge Gateway: an on-site gateway that drives IP cameras, served over GraphQL."""

__version__ = "0.1.0"
