"""SQLite storage: one database file in the state directory, upgraded by migrations."""

from edge_gateway.db.connection import Database, DatabaseError
from edge_gateway.db.migrations import MIGRATIONS, Migration, apply_migrations

__all__ = ["MIGRATIONS", "Database", "DatabaseError", "Migration", "apply_migrations"]
