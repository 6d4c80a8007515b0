"""Serving: the HTTP API and the map page (``trajlm serve``; docs/serve.md).

Needs the `serve` extra (fastapi, uvicorn): ``pip install 'trajlm[serve]'``.
"""

from trajlm.serve.app import ServeSettings, create_app
from trajlm.serve.formats import Limits

__all__ = ["Limits", "ServeSettings", "create_app"]
