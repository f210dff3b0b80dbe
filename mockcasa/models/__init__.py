"""Pydantic models: the single source of every JSON shape (validation, responses, served OpenAPI)."""
