"""Common Ground: real-time facilitation for police-community trust workshops.

Kept light on purpose: `common-ground serve` must be able to monkey-patch
eventlet before Flask, SQLAlchemy or sockets are imported (server/cli.py).
"""


def create_app(test_config=None):
    from .app import create_app as factory
    return factory(test_config)
