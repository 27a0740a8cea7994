#!/usr/bin/env python3
"""Independent generator of the e2e known-answer vectors in kat_test.cc.

Written from docs/protocol/e2e.md alone (not from the C++ code), with the Python `cryptography`
package for X25519, Ed25519, HKDF, HMAC and ChaCha20-Poly1305; XChaCha20-Poly1305 is built here
from HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2) and the IETF construction. Run it and compare its
output with the constants in kat_test.cc:  python3 gen_e2e_vectors.py
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RAW = serialization.Encoding.Raw
RAW_PUB = serialization.PublicFormat.Raw
RAW_PRIV = serialization.PrivateFormat.Raw
P = 2**255 - 19


def hkdf(ikm, salt, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def x25519_pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(RAW, RAW_PUB)


def dh(priv, pub):
    return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(pub))


def ed_pub(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(RAW, RAW_PUB)


def ed_sign(seed, msg):
    return Ed25519PrivateKey.from_private_bytes(seed).sign(msg)


def ed_priv_to_x(seed):  # RFC 8032 §5.1.5 step 1-2: SHA-512 of the seed, lower half, clamped
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def ed_pub_to_x(pk):  # the birational map u = (1 + y) / (1 - y) (RFC 7748 §4.1)
    y = int.from_bytes(pk, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow(1 - y, P - 2, P) % P
    return u.to_bytes(32, "little")


def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))

    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha_seal(key, nonce24, ad, pt):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).encrypt(b"\0" * 4 + nonce24[16:], pt, ad)


X3DH_INFO = b"SecureComm X3DH v1"
RATCHET_INFO = b"SecureComm Ratchet v1"
MESSAGE_INFO = b"SecureComm Message Keys v1"
ZERO32 = b"\0" * 32


def x3dh_kdf(km):
    return hkdf(b"\xff" * 32 + km, ZERO32, X3DH_INFO, 32)


def kdf_rk(rk, dh_out):
    out = hkdf(dh_out, rk, RATCHET_INFO, 64)
    return out[:32], out[32:]


def kdf_ck(ck):
    return hmac.new(ck, b"\x02", hashlib.sha256).digest(), hmac.new(ck, b"\x01", hashlib.sha256).digest()


def encrypt(mk, pt, ad):
    okm = hkdf(mk, ZERO32, MESSAGE_INFO, 56)
    return xchacha_seal(okm[:32], okm[32:], ad, pt)


def header(dh_pub, pn, n):
    return bytes([1, 2]) + dh_pub + struct.pack(">II", pn, n)


def ratchet_message(dh_pub, pn, n, ct):
    return header(dh_pub, pn, n) + struct.pack(">I", len(ct)) + ct


def fill(tag):  # the fixed inputs: SHA-256 of a label
    return hashlib.sha256(tag.encode()).digest()


def main():
    # Part 1: the KDFs alone.
    km = bytes(range(128))
    print("X3dhKdf(0..127)      ", x3dh_kdf(km).hex())
    rk, ck = kdf_rk(bytes([0x11] * 32), bytes([0x22] * 32))
    print("KdfRk(11.., 22..) rk ", rk.hex())
    print("KdfRk(11.., 22..) ck ", ck.hex())
    ck2, mk = kdf_ck(bytes([0x33] * 32))
    print("KdfCk(33..) ck       ", ck2.hex())
    print("KdfCk(33..) mk       ", mk.hex())
    print("Encrypt(44.., 'pt', 'ad')", encrypt(bytes([0x44] * 32), b"pt", b"ad").hex())

    # Part 2: a whole exchange. Alice's and Bob's keys are SHA-256 of labels.
    a_seed, b_seed = fill("alice identity"), fill("bob identity")
    spk, opk, ek, a_r1, b_r1 = (fill(s) for s in ("bob spk", "bob opk", "alice ek", "alice r1", "bob r1"))
    ik_a, ik_b = ed_pub(a_seed), ed_pub(b_seed)
    spk_id, opk_id = 7, 100
    sig = ed_sign(b_seed, b"SecureComm signed prekey v1" + struct.pack(">I", spk_id) + x25519_pub(spk))
    print("spk signature        ", sig.hex())
    dh1 = dh(ed_priv_to_x(a_seed), x25519_pub(spk))
    dh2 = dh(ek, ed_pub_to_x(ik_b))
    dh3 = dh(ek, x25519_pub(spk))
    dh4 = dh(ek, x25519_pub(opk))
    assert dh1 == dh(spk, ed_pub_to_x(ik_a)) and dh2 == dh(ed_priv_to_x(b_seed), x25519_pub(ek))
    sk = x3dh_kdf(dh1 + dh2 + dh3 + dh4)
    print("SK                   ", sk.hex())
    ad = ik_a + ik_b
    # Alice: RatchetInitAlice(SK, SPK_B) with DHs = a_r1, then RatchetEncrypt("hello").
    rk, cks = kdf_rk(sk, dh(a_r1, x25519_pub(spk)))
    cks, mk = kdf_ck(cks)
    h = header(x25519_pub(a_r1), 0, 0)
    ct = encrypt(mk, b"hello", ad + h)
    inner = ratchet_message(x25519_pub(a_r1), 0, 0, ct)
    prekey = bytes([1, 1]) + ik_a + x25519_pub(ek) + struct.pack(">IBI", spk_id, 1, opk_id)
    prekey += struct.pack(">I", len(inner)) + inner
    print("prekey message       ", prekey.hex())
    # Bob: RatchetInitBob(SK, SPK_B), DHRatchet with new DHs = b_r1, then RatchetEncrypt("hi").
    b_rk, b_ckr = kdf_rk(sk, dh(spk, x25519_pub(a_r1)))
    b_rk, b_cks = kdf_rk(b_rk, dh(b_r1, x25519_pub(a_r1)))
    b_cks, b_mk = kdf_ck(b_cks)
    h = header(x25519_pub(b_r1), 0, 0)
    reply = ratchet_message(x25519_pub(b_r1), 0, 0, encrypt(b_mk, b"hi", ad + h))
    print("reply message        ", reply.hex())


if __name__ == "__main__":
    main()
