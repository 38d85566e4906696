#!/usr/bin/env python3
"""MS-CHAPv2 attributes for radclient (RFC 2759, RFC 2548), the lab's reference client for non-EAP MS-CHAPv2.

radclient 3.2 computes MS-CHAP (v1) from MS-CHAP-Password but has no MS-CHAPv2; this script computes the
request attributes and checks the server's MS-CHAP2-Success. MD4 and DES come from the `openssl` command
(OpenSSL 3 keeps them in its legacy provider); SHA-1 from hashlib.

    mschapv2.py request USER PASSWORD STATE   radclient attribute lines on stdout; STATE keeps what `verify`
                                              needs (the expected authenticator response)
    mschapv2.py verify STATE HEX              HEX = the MS-CHAP2-Success value radclient printed (0x…);
                                              exit 0 and "S= verified" when it proves the password
"""
import hashlib
import os
import subprocess
import sys

# RFC 2759 §8.7: the constants of GenerateAuthenticatorResponse.
MAGIC1 = b"Magic server to client signing constant"
MAGIC2 = b"Pad to make it do more than one iteration"


def openssl(args, data):
    legacy = ["-provider", "legacy", "-provider", "default"]
    return subprocess.run(["openssl"] + args + legacy, input=data, capture_output=True, check=True).stdout


def md4(data):
    # `openssl dgst -binary` prints the raw digest.
    return openssl(["dgst", "-md4", "-binary"], data)


def des_key(seven):
    """RFC 2759 §8.6 DesEncrypt: 7 key bytes spread over 8, the low bit of each (parity) left 0."""
    bits = int.from_bytes(seven, "big")
    return bytes(((bits >> (49 - 7 * i)) & 0x7F) << 1 for i in range(8))


def des(clear, seven):
    return openssl(["enc", "-des-ecb", "-nopad", "-K", des_key(seven).hex()], clear)


def nt_password_hash(password):
    return md4(password.encode("utf-16-le"))  # RFC 2759 §8.3


def challenge_hash(peer, authenticator, user):
    return hashlib.sha1(peer + authenticator + user.encode()).digest()[:8]  # §8.2


def challenge_response(challenge, password_hash):
    padded = password_hash + bytes(5)  # §8.5
    return b"".join(des(challenge, padded[i:i + 7]) for i in (0, 7, 14))


def authenticator_response(password_hash, nt_response, challenge):
    hash_hash = md4(password_hash)  # §8.7
    digest = hashlib.sha1(hash_hash + nt_response + MAGIC1).digest()
    return "S=" + hashlib.sha1(digest + challenge + MAGIC2).hexdigest().upper()


def request(user, password, state):
    authenticator = os.urandom(16)
    peer = os.urandom(16)
    ident = os.urandom(1)
    challenge = challenge_hash(peer, authenticator, user)
    password_hash = nt_password_hash(password)
    nt_response = challenge_response(challenge, password_hash)
    # RFC 2548 §2.3.2 MS-CHAP2-Response: Ident, Flags, Peer-Challenge (16), Reserved (8), Response (24).
    response = ident + b"\x00" + peer + bytes(8) + nt_response
    with open(state, "w") as f:
        f.write(ident.hex() + " " + authenticator_response(password_hash, nt_response, challenge) + "\n")
    print(f'User-Name = "{user}"')
    print(f"MS-CHAP-Challenge = 0x{authenticator.hex()}")
    print(f"MS-CHAP2-Response = 0x{response.hex()}")


def verify(state, value):
    with open(state) as f:
        ident, expected = f.read().split()
    raw = bytes.fromhex(value[2:] if value.startswith("0x") else value)
    # RFC 2548 §2.3.3 MS-CHAP2-Success: Ident, then "S=<40 hex digits>".
    got = raw[1:].decode("ascii", "replace")
    if raw[:1].hex() != ident:
        print(f"MS-CHAP2-Success ident {raw[:1].hex()} is not the request's {ident}")
        return 1
    if got.upper() != expected:
        print(f"MS-CHAP2-Success {got} does not prove the password (expected {expected})")
        return 1
    print("S= verified")
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "request":
        request(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 4 and argv[1] == "verify":
        return verify(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
