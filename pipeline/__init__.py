"""Government information-disclosure annual reports → DuckDB."""
