"""DuckDB owns the data: the connection factory, migrations, loads and queries. All SQL lives here."""
