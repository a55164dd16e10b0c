"""The kind of app TsvLive replaces, as a same-run reference for the load tool (issue 20).

A minimal Tornado server in the style of the classic tutorial: the browser sends the whole file as
one WebSocket message, the server parses it with the csv module and sends the current page to every
open socket, so every viewer's page moves together. Its only change from the tutorial is the message
cap (10 MB there) and the server's read buffer (100 MB), raised so that it takes the same 100 MB file.

    python3 bench/reference/tutorial_app.py --port 8888   (Debian: apt-get install python3-tornado)

Messages, all JSON: to the server {"type": "upload", "data": "<the file's text>"} or
{"type": "page", "page": 2}; to every client {"type": "page", "page": 1, "pages": 9, "rows": [[...]]}.
"""
import argparse
import asyncio
import csv
import io
import json

import tornado.web
import tornado.websocket

PAGE_ROWS = 100
clients = set()
table = {"rows": [], "page": 1}


def page_message():
    rows = table["rows"]
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    start = (table["page"] - 1) * PAGE_ROWS
    return json.dumps({"type": "page", "page": table["page"], "pages": pages, "rows": rows[start:start + PAGE_ROWS]})


class TableSocket(tornado.websocket.WebSocketHandler):
    def check_origin(self, origin):
        return True

    def open(self):
        clients.add(self)
        self.write_message(page_message())

    def on_close(self):
        clients.discard(self)

    def on_message(self, message):
        request = json.loads(message)
        if request["type"] == "upload":
            table["rows"] = list(csv.reader(io.StringIO(request["data"]), delimiter="\t"))
            table["page"] = 1
        elif request["type"] == "page":
            table["page"] = int(request["page"])
        text = page_message()
        for client in list(clients):
            client.write_message(text)


class Health(tornado.web.RequestHandler):
    def get(self):
        self.write("ok")


async def main(port):
    app = tornado.web.Application([(r"/ws", TableSocket), (r"/healthz", Health)], websocket_max_message_size=1 << 30)
    app.listen(port, address="127.0.0.1", max_body_size=1 << 30, max_buffer_size=1 << 30)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8888)
    asyncio.run(main(parser.parse_args().port))
