#!/usr/bin/env python3
"""A loopback UDP relay that logs every RADIUS datagram it forwards, as hex, one JSON object per line.

relay.py LOG LISTEN_PORT:SERVER_PORT [...]   e.g.  relay.py cap.jsonl 18998:18999 18997:19000
Clients talk to LISTEN_PORT; datagrams go to 127.0.0.1:SERVER_PORT and replies come back the same way.
"""
import json, select, socket, sys

log = open(sys.argv[1], "a", buffering=1)
listeners = {}
for pair in sys.argv[2:]:
    listen, server = (int(x) for x in pair.split(":"))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", listen))
    listeners[s] = server
upstreams = {}   # upstream socket -> (listener socket, client address)
by_client = {}   # (listener, client address) -> upstream socket
while True:
    ready, _, _ = select.select(list(listeners) + list(upstreams), [], [])
    for s in ready:
        data, address = s.recvfrom(65535)
        if s in listeners:
            key = (s, address)
            up = by_client.get(key)
            if up is None:
                up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                up.bind(("127.0.0.1", 0))
                by_client[key] = up
                upstreams[up] = key
            log.write(json.dumps({"direction": "request", "port": listeners[s], "hex": data.hex()}) + "\n")
            up.sendto(data, ("127.0.0.1", listeners[s]))
        else:
            listener, client = upstreams[s]
            log.write(json.dumps({"direction": "reply", "port": listeners[listener], "hex": data.hex()}) + "\n")
            listener.sendto(data, client)
