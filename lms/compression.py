"""Gzip for text responses (HTML, CSS, JS, SVG, JSON, CSV): weak phone connections pay per byte."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml")  # fmt: skip
MIN_SIZE = 500


def init_app(app: Flask) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        if (
            response.status_code != 200
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
            or response.headers.get("Content-Encoding")
            or not (response.mimetype or "").startswith(COMPRESSIBLE)
            or response.is_streamed
            and not response.direct_passthrough
        ):
            return response
        response.direct_passthrough = False  # static files: read the file to compress it
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(data, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(etag + "-gzip", weak)
        return response
