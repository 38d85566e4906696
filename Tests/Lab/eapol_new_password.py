#!/usr/bin/env python3
"""Answer eapol_test's request for a new password (MS-CHAPv2 E=648) over its control interface.

wpa_supplicant changes an expired password only with a new one typed in by the user: it asks with a
`CTRL-REQ-NEW_PASSWORD-<id>:…` event on its control interface and waits for `CTRL-RSP-NEW_PASSWORD-<id>:<new>`.
The lab starts eapol_test with `ctrl_interface=DIR` in the network file and `-W` (wait for a monitor),
then runs this, which attaches (eapol_test starts then), answers the first NEW_PASSWORD request with NEW and
returns; or gives up after TIMEOUT seconds (exit 1).

    eapol_new_password.py SOCKET NEW TIMEOUT     SOCKET = DIR/<ifname> (eapol_test's default ifname: test)
"""
import os
import socket
import sys
import tempfile
import time


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    path, new_password, timeout = argv[1], argv[2], float(argv[3])
    deadline = time.monotonic() + timeout
    # eapol_test creates its socket once it has read its configuration.
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            print(f"no control socket at {path}")
            return 1
        time.sleep(0.05)
    local = os.path.join(tempfile.mkdtemp(prefix="lab-eapol-ctrl-"), "client")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(local)
        sock.connect(path)
        sock.send(b"ATTACH")
        while time.monotonic() < deadline:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                message = sock.recv(4096).decode("utf-8", "replace")
            except socket.timeout:
                break
            except (ConnectionRefusedError, ConnectionResetError):
                break  # eapol_test exited
            # Events look like "<3>CTRL-REQ-NEW_PASSWORD-0:New Password needed for SSID ".
            event = message.split(">", 1)[-1]
            if event.startswith("CTRL-REQ-NEW_PASSWORD-"):
                network = event[len("CTRL-REQ-NEW_PASSWORD-"):].split(":", 1)[0]
                sock.send(f"CTRL-RSP-NEW_PASSWORD-{network}:{new_password}".encode())
                print(f"answered {event.split(':', 1)[0]}")
                return 0
        print("eapol_test asked for no new password")
        return 1
    finally:
        sock.close()
        os.unlink(local)
        os.rmdir(os.path.dirname(local))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
