#!/usr/bin/env python3
"""UDP relay for the npsprobe lab: bad network paths in front of a RADIUS server (stdlib only).

Modes
  relay      forward every client datagram to --backend, except those larger than --max-size bytes,
             which are dropped (a path that loses IP fragments: large EAP-TLS packets never arrive).
             Replies of any size are relayed back.                         (lab port 18135 small-path)
  forgetful  a load balancer without persistence: an Access-Request without a State attribute (the
             first packet of a conversation, or a Status-Server) goes to --backend; every request
             carrying State goes to --backend2, which never issued that State.  (lab port 18136)
  sticky     a load balancer with persistence on the source address and port: each new client address:port is
             given --backend and --backend2 in turn and keeps it for all its datagrams (spreads the sources
             over both; a NAS's conversation stays on one server).               (lab port 18152 farm-sticky)
  per-packet a load balancer without persistence that spreads every datagram: client datagrams go to --backend
             and --backend2 alternately, whoever sent them.                  (lab port 18153 farm-per-packet)
  silent     bind the port and never answer: "server up but silent" (timeout) as opposed to
             "nothing listening" (ICMP port unreachable).                  (lab port 18138)
  legacy     answer every Access-Request itself with an Access-Reject (Reply-Message, Message-Authenticator
             and Response Authenticator computed with --secret) WITHOUT checking the request's
             Message-Authenticator, as servers without BlastRADIUS hardening do. A client using another
             secret gets replies that fail verification: "wrong shared secret", seen from the client.
                                                                           (lab port 18141)

Each client address gets its own upstream socket (bound to the listening host, ephemeral port), so
replies map back to the right client without rewriting RADIUS identifiers, concurrent clients never
share an (address, port, identifier) triple at the backend, and a reply can come from either backend.
Upstream sockets idle for --idle-timeout seconds are closed.

Example: udp_relay.py --listen 127.0.0.1:18135 --backend 127.0.0.1:18121 --max-size 1000
"""

import argparse
import hashlib
import hmac
import resource
import selectors
import signal
import socket
import sys
import time

RADIUS_HEADER = 20
ATTR_STATE = 24
CODE_NAMES = {1: "Access-Request", 2: "Access-Accept", 3: "Access-Reject", 11: "Access-Challenge",
              12: "Status-Server"}


def parse_hostport(text):
    """'127.0.0.1:18121' or '[::1]:18121' -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def has_state(datagram):
    """True when the RADIUS packet carries a State attribute (RFC 2865 §5.24). Malformed: False."""
    if len(datagram) < RADIUS_HEADER:
        return False
    length = min(int.from_bytes(datagram[2:4], "big"), len(datagram))
    offset = RADIUS_HEADER
    while offset + 2 <= length:
        attr_type, attr_len = datagram[offset], datagram[offset + 1]
        if attr_len < 2:
            return False
        if attr_type == ATTR_STATE:
            return True
        offset += attr_len
    return False


def describe(datagram):
    if len(datagram) < 2:
        return f"{len(datagram)}-byte runt"
    name = CODE_NAMES.get(datagram[0], f"code {datagram[0]}")
    return f"{name} id {datagram[1]} ({len(datagram)} bytes)"


def legacy_reject(request, secret):
    """An Access-Reject for an Access-Request (RFC 2865 §3), or None for anything else. Reply-Message, then
    Message-Authenticator over the reply with the Request Authenticator in place (RFC 3579 §3.2), then the
    Response Authenticator = MD5(Code+ID+Length+RequestAuth+Attributes+Secret)."""
    if len(request) < RADIUS_HEADER or request[0] != 1:
        return None
    message = b"legacy lab server: request Message-Authenticator not checked"
    attributes = bytes([18, 2 + len(message)]) + message + bytes([80, 18]) + bytes(16)
    length = RADIUS_HEADER + len(attributes)
    header = bytes([3, request[1]]) + length.to_bytes(2, "big")
    request_authenticator = request[4:20]
    mac = hmac.new(secret, header + request_authenticator + attributes, hashlib.md5).digest()
    attributes = attributes[:-16] + mac
    response_authenticator = hashlib.md5(header + request_authenticator + attributes + secret).digest()
    return header + response_authenticator + attributes


class Stop(Exception):
    """Raised by the SIGTERM/SIGINT handler to leave select() at once."""


class Relay:
    def __init__(self, args):
        self.args = args
        self.family = socket.AF_INET6 if ":" in args.listen[0] else socket.AF_INET
        self.listener = socket.socket(self.family, socket.SOCK_DGRAM)
        self.listener.bind(args.listen)
        self.listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ, None)
        self.upstreams = {}           # client address -> [socket, last activity]
        self.counters = {"in": 0, "forwarded": 0, "dropped": 0, "replies": 0}
        self.assigned = {}            # sticky: client address -> backend
        self.turn = 0                 # sticky: next new client's backend; per-packet: next datagram's

    def log(self, message):
        print(f"{time.strftime('%H:%M:%S')} {self.args.mode} {message}", flush=True)

    def upstream_for(self, client):
        entry = self.upstreams.get(client)
        if entry is None:
            sock = socket.socket(self.family, socket.SOCK_DGRAM)
            sock.bind((self.args.listen[0], 0))
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ, client)
            entry = self.upstreams[client] = [sock, 0.0]
        entry[1] = time.monotonic()
        return entry[0]

    def from_client(self, datagram, client):
        self.counters["in"] += 1
        mode = self.args.mode
        if mode == "silent":
            self.log(f"ignore {describe(datagram)} from {client[0]}:{client[1]}")
            return
        if mode == "legacy":
            reply = legacy_reject(datagram, self.args.secret.encode())
            if reply is not None:
                self.listener.sendto(reply, client)
                self.counters["replies"] += 1
            return
        if self.args.max_size and len(datagram) > self.args.max_size:
            self.counters["dropped"] += 1
            self.log(f"drop {describe(datagram)} from {client[0]}:{client[1]}: "
                     f"larger than {self.args.max_size} bytes")
            return
        backend = self.args.backend
        if mode == "sticky":
            backend = self.assigned.get(client)
            if backend is None:
                backend = (self.args.backend, self.args.backend2)[self.turn % 2]
                self.turn += 1
                self.assigned[client] = backend
        elif mode == "per-packet":
            backend = (self.args.backend, self.args.backend2)[self.turn % 2]
            self.turn += 1
        elif mode == "forgetful" and has_state(datagram):
            backend = self.args.backend2
            self.log(f"{describe(datagram)} from {client[0]}:{client[1]} carries State: "
                     f"sent to {backend[0]}:{backend[1]}")
        try:
            self.upstream_for(client).sendto(datagram, backend)
            self.counters["forwarded"] += 1
        except OSError as error:
            self.log(f"cannot forward to {backend[0]}:{backend[1]}: {error}")

    def from_backend(self, sock, client):
        try:
            datagram, _ = sock.recvfrom(65535)
        except OSError:               # e.g. ICMP port unreachable from a stopped backend
            return
        self.upstreams[client][1] = time.monotonic()
        self.counters["replies"] += 1
        try:
            self.listener.sendto(datagram, client)
        except OSError as error:
            self.log(f"cannot reply to {client[0]}:{client[1]}: {error}")

    def expire(self):
        limit = time.monotonic() - self.args.idle_timeout
        for client in [c for c, (_, last) in self.upstreams.items() if last < limit]:
            sock = self.upstreams.pop(client)[0]
            self.assigned.pop(client, None)
            self.selector.unregister(sock)
            sock.close()

    def run(self):
        where = f"{self.args.listen[0]}:{self.args.listen[1]}"
        if self.args.mode == "silent":
            self.log(f"listening on {where}, answering nothing")
        elif self.args.mode == "legacy":
            self.log(f"listening on {where}, rejecting everything without checking Message-Authenticator")
        else:
            target = f"{self.args.backend[0]}:{self.args.backend[1]}"
            if self.args.mode == "forgetful":
                target += f", follow-ups to {self.args.backend2[0]}:{self.args.backend2[1]}"
            elif self.args.mode in ("sticky", "per-packet"):
                target += f" and {self.args.backend2[0]}:{self.args.backend2[1]} ({self.args.mode})"
            limit = f", dropping datagrams > {self.args.max_size} bytes" if self.args.max_size else ""
            self.log(f"listening on {where} -> {target}{limit}")
        try:
            self.loop()
        except Stop:
            pass
        self.log("stopping: " + ", ".join(f"{k} {v}" for k, v in self.counters.items()))

    def loop(self):
        next_expiry = time.monotonic() + 5
        while True:
            for key, _ in self.selector.select(timeout=1.0):
                if key.fileobj is self.listener:
                    for _ in range(64):   # drain a burst before looking at the upstreams
                        try:
                            datagram, client = self.listener.recvfrom(65535)
                        except (BlockingIOError, InterruptedError):
                            break
                        except OSError:
                            continue
                        self.from_client(datagram, client)
                else:
                    self.from_backend(key.fileobj, key.data)
            if time.monotonic() >= next_expiry:
                self.expire()
                next_expiry = time.monotonic() + 5


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["relay", "forgetful", "sticky", "per-packet", "silent", "legacy"],
                        default="relay")
    parser.add_argument("--listen", type=parse_hostport, required=True, metavar="HOST:PORT")
    parser.add_argument("--backend", type=parse_hostport, metavar="HOST:PORT")
    parser.add_argument("--backend2", type=parse_hostport, metavar="HOST:PORT",
                        help="forgetful mode: where requests carrying State go; sticky, per-packet: the second server")
    parser.add_argument("--max-size", type=int, default=None,
                        help="drop client datagrams larger than this (relay mode default: 1000; 0: never)")
    parser.add_argument("--secret", default="testing123", help="legacy mode: the shared secret replies are signed with")
    parser.add_argument("--tag", help="free text, ignored (the lab passes its state directory to find its own relays)")
    parser.add_argument("--idle-timeout", type=float, default=60.0,
                        help="close a client's upstream socket after this many idle seconds")
    args = parser.parse_args()
    if args.max_size is None:
        args.max_size = 1000 if args.mode == "relay" else 0
    if args.mode not in ("silent", "legacy") and args.backend is None:
        parser.error("--backend is required")
    if args.mode in ("forgetful", "sticky", "per-packet") and args.backend2 is None:
        parser.error(f"--backend2 is required in {args.mode} mode")

    # One socket per client: allow as many as the hard limit permits (load tests).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
        except (ValueError, OSError):
            pass

    try:
        relay = Relay(args)
    except OSError as error:
        print(f"udp_relay: cannot listen on {args.listen[0]}:{args.listen[1]}: {error}", file=sys.stderr)
        return 1

    def stop(signum, frame):
        raise Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    relay.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
