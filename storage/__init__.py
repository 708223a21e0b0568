"""Storage: SQLAlchemy models, engine and sessions, repositories and migrations."""
