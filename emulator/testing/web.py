"""The operator's web pages in memory: a request rendered through the resource tree, no socket."""

from __future__ import annotations

import attrs
from twisted.web.resource import Resource, getChildForRequest
from twisted.web.server import NOT_DONE_YET
from twisted.web.test.requesthelper import DummyRequest

from emulator.admin.control import ServerControl
from emulator.admin.server_state import MemoryReader
from emulator.admin.status_page import StatusHistory
from emulator.admin.web import web_root


@attrs.frozen
class Response:
    code: int
    content_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def get(root: Resource, path: str, accept: str | None = None) -> Response:
    """``GET path`` as the site would serve it; the page must finish within the call."""
    request = DummyRequest(path.encode().split(b"/")[1:])
    request.uri = path.encode()
    if accept is not None:
        request.requestHeaders.setRawHeaders(b"accept", [accept.encode()])
    resource = getChildForRequest(root, request)
    body = resource.render(request)
    if body is not NOT_DONE_YET:
        request.write(body)
        request.finish()
    assert request.finished, f"{path} did not finish"
    content_type = (request.responseHeaders.getRawHeaders(b"content-type") or [b""])[0]
    return Response(request.responseCode or 200, content_type.decode(), b"".join(request.written))


class WebPages:
    """The web root of a server in memory, with the status page's sampling running on its clock."""

    def __init__(self, control: ServerControl) -> None:
        self.history = StatusHistory(control, MemoryReader())
        self.history.start()
        self.root = web_root(control, control.reactor.seconds(), self.history)

    def get(self, path: str, accept: str | None = None) -> Response:
        return get(self.root, path, accept)

    def stop(self) -> None:
        self.history.stop()


__all__ = ["Response", "WebPages", "get"]
