"""Webhook events and their delivery: the catalogue, signatures, target checks, the worker, the log.

Kept free of imports so models can use the catalogue without pulling in the worker.
"""
