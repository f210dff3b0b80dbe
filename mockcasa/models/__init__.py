"""Pydantic models: the single source of every JSON shape (validation, responses, served OpenAPI).

These modules do without ``from __future__ import annotations``: with it every field's annotation is
a string that pydantic compiles and evaluates when the class is made (~3.5 ms of a server's start
over 1.0.0's models alone), without it the annotation is already the type.
"""
