#!/usr/bin/env python3
"""A registry that lies about digests, for the image cache's tests: an HTTPS proxy in front of
the test registry (https://registry-1.docker.io, the fixture's) that passes every request on and
answers manifests with the Docker-Content-Digest given in LIE instead of the real one.

    lying-registry.py PORT CERT KEY LIE      (serves https://localhost:PORT until killed)
"""
import http.server
import ssl
import sys
import urllib.error
import urllib.request

port, cert, key, lie = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
upstream = "https://registry-1.docker.io"


class Liar(http.server.BaseHTTPRequestHandler):
    def relay(self, body=True):
        request = urllib.request.Request(upstream + self.path, method=self.command)
        for name in ("Accept", "Authorization"):
            if self.headers.get(name):
                request.add_header(name, self.headers[name])
        try:
            answer = urllib.request.urlopen(request)
        except urllib.error.HTTPError as error:
            answer = error
        data = answer.read()
        self.send_response(answer.status if hasattr(answer, "status") else answer.code)
        for name, value in answer.headers.items():
            if name.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            if name.lower() == "docker-content-digest" and "/manifests/" in self.path:
                value = lie
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self.relay()

    def do_HEAD(self):
        self.relay(body=False)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Liar)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
