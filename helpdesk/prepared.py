"""Statements PostgreSQL plans once per database connection (PREPARE / EXECUTE)."""

import weakref


class PreparedStatement:
    """One SQL statement with ``$1``… parameters, prepared on each connection at its first use there."""

    def __init__(self, name: str, sql: str, types: list[str]):
        self.name, self.sql, self.types = name, sql, types
        self.call = f"EXECUTE {name}({', '.join(['%s'] * len(types))})" if types else f"EXECUTE {name}"
        self.prepared_on = weakref.WeakSet()  # the raw connections (sessions) that hold it

    def execute(self, cursor, params: list) -> None:
        """Run the statement on this Django cursor, preparing it first on a connection that has not got it."""
        raw = cursor.db.connection
        if raw not in self.prepared_on:
            cursor.execute(f"PREPARE {self.name}({', '.join(self.types)}) AS {self.sql}")
            self.prepared_on.add(raw)
        cursor.execute(self.call, params)
