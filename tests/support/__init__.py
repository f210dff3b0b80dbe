"""Helpers shared by the test modules: HTTP clients for the public and admin APIs, a webhook
receiver, flows that drive OAuth and webhooks, record builders, and a served subprocess."""
