"""A feed server on loopback that answers what a test tells it: good pages, broken,
hostile, oversized or slow ones."""

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def item(source_id: str, name: str, updated: str, **fields) -> dict:
    return {
        "source_id": source_id,
        "name": name,
        "region": "Kabupaten Asal",
        "province": "Jawa Tengah",
        "year": 2025,
        "agency": "Dinas Asal",
        "form": "pelayanan_publik",
        "digital": True,
        "sector": "Kesehatan",
        "stage": "penerapan",
        "problem": "Antrean panjang di puskesmas.",
        "solution": "Antrean daring lewat pesan singkat.",
        "impact": "",
        "url": "",
        "licence": "CC-BY-4.0",
        "updated": updated,
        "withdrawn": False,
        **fields,
    }


def withdrawn(source_id: str, updated: str) -> dict:
    return {"source_id": source_id, "updated": updated, "withdrawn": True}


class FeedServer:
    """``items``: what the feed holds; answers the changes after ``since`` as the real
    feed does. ``answer``: a function (handler, query) → (status, headers, body) that
    replaces the normal answer, for hostile feeds."""

    def __init__(self):
        self.items: list[dict] = []
        self.answer = None
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                if server.answer is not None:
                    status, headers, body = server.answer(self, query)
                else:
                    since = query.get("since", "")
                    items = [i for i in server.items if i["updated"] > since]
                    items.sort(key=lambda i: i["updated"])
                    status, headers = 200, {"Content-Type": "application/json"}
                    body = json.dumps({"count": len(items), "items": items, "next": None})
                if body is None:
                    return
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def slow(seconds: float):
    """An answer that drips its body, one byte at a time, for ``seconds``."""

    def answer(handler, query):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        deadline = time.monotonic() + seconds
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, socket.error):
            handler.wfile.write(b'{"count": 0, "items": [')
            while time.monotonic() < deadline:
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.05)
        return 200, {}, None

    return answer
