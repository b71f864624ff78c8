"""The operator's web port (``[web] listen``): ``/`` the status page, ``/status.json`` its
JSON twin, ``/metrics`` for Prometheus. One twisted.web site, off the game port.
"""

from __future__ import annotations

from typing import cast

from twisted.application import strports
from twisted.application.service import MultiService
from twisted.internet.interfaces import IReactorCore
from twisted.web import http, pages
from twisted.web.resource import IResource, Resource
from twisted.web.server import Site

from emulator.admin.control import ServerControl
from emulator.admin.metrics import MetricsResource, metrics_registry
from emulator.admin.server_state import MemoryReader
from emulator.admin.status_page import ServerStatus, StatusHistory, StatusJson, StatusPage


class QuietSite(Site):
    """No access log: a scraper every 15 s would fill the server's log."""

    noisy = False

    def log(self, request: http.Request) -> None:
        pass


class Root(Resource):
    """Unknown paths get a plain 404 page."""

    def getChild(self, path: bytes, request: http.Request) -> IResource:
        return pages.notFound()


def web_root(control: ServerControl, started_at: float, history: StatusHistory) -> Resource:
    status = ServerStatus(control, started_at, history)
    root = Root()
    root.putChild(b"", StatusPage(status))
    root.putChild(b"status.json", StatusJson(status))
    root.putChild(b"metrics", MetricsResource(metrics_registry(control, started_at)))
    return root


class WebService(MultiService):
    """The site's listener and the status page's sampling, started and stopped with the server."""

    name = "web"

    def __init__(self, control: ServerControl) -> None:
        super().__init__()
        self.history = StatusHistory(control, MemoryReader())
        self.root = web_root(control, control.reactor.seconds(), self.history)
        reactor = cast(IReactorCore, control.reactor)  # the server's reactor, typed narrowly on the control
        listener = strports.service(control.config.web.listen, QuietSite(self.root), reactor=reactor)
        listener.setName("web-listener")
        listener.setServiceParent(self)

    def startService(self) -> None:
        super().startService()
        self.history.start()

    def stopService(self) -> object:
        self.history.stop()
        return super().stopService()
