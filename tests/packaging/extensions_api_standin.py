#!/usr/bin/env python3
"""A loopback stand-in for the Lambda Extensions API, for the layer run test.

Serves POST /2020-01-01/extension/register and GET /2020-01-01/extension/event/next as Lambda
does (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html): the
extension's name comes in Lambda-Extension-Name and the answer carries
Lambda-Extension-Identifier. At register it checks that the extension's HTTP port is already
open; after register it reads one parameter through the extension's HTTP API (as a function
would, with X-Aws-Parameters-Secrets-Token), then answers event/next with SHUTDOWN. Writes what
it saw as JSON to RESULT_FILE and prints its own port on the first line of standard output.

Usage: extensions_api_standin.py EXTENSION_PORT TOKEN PARAMETER_NAME RESULT_FILE
"""
import http.server
import json
import socket
import sys
import threading
import urllib.parse
import urllib.request

extension_port, token, parameter, result_file = sys.argv[1:5]
result = {"registered_name": None, "port_open_at_register": None, "parameter": None,
          "error": None}
fetched = threading.Event()


def port_open():
    try:
        with socket.create_connection(("127.0.0.1", int(extension_port)), timeout=1):
            return True
    except OSError:
        return False


def fetch_parameter():
    try:
        url = (f"http://127.0.0.1:{extension_port}/systemsmanager/parameters/get?name="
               + urllib.parse.quote(parameter, safe=""))
        req = urllib.request.Request(url, headers={"X-Aws-Parameters-Secrets-Token": token})
        with urllib.request.urlopen(req, timeout=10) as r:
            result["parameter"] = json.load(r)["Parameter"]["Value"]
    except Exception as e:  # reported in the result, not raised in a server thread
        result["error"] = f"parameter fetch: {e}"
    fetched.set()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(200)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/2020-01-01/extension/register":
            self.send_error(404)
            return
        result["registered_name"] = self.headers.get("Lambda-Extension-Name")
        result["port_open_at_register"] = port_open()
        self.answer({"functionName": "layer-test", "functionVersion": "$LATEST",
                     "handler": "index.handler"},
                    [("Lambda-Extension-Identifier", "layer-test-extension-id")])
        threading.Thread(target=fetch_parameter, daemon=True).start()

    def do_GET(self):
        if self.path != "/2020-01-01/extension/event/next":
            self.send_error(404)
            return
        fetched.wait(30)
        self.answer({"eventType": "SHUTDOWN", "shutdownReason": "spindown", "deadlineMs": 0})
        threading.Thread(target=self.server.shutdown, daemon=True).start()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
hang_bound = threading.Timer(120, server.shutdown)  # a bound on a hang, not a timing check
hang_bound.daemon = True
hang_bound.start()
server.serve_forever()
json.dump(result, open(result_file, "w"))
