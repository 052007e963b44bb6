"""WeChat's signatures and its message encryption (消息加解密, safe and compatible modes).

* ``signature`` = SHA-1 (hex) of the sorted strings joined: ``(token, timestamp, nonce)`` for
  the URL check and every POST, ``(token, timestamp, nonce, Encrypt)`` for ``msg_signature``.
* ``Encrypt`` = base64(AES-256-CBC(random16 + len(xml) as 4 bytes big-endian + xml + AppID)),
  key = base64decode(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to a
  multiple of 32 bytes (not AES's 16: WeChat's choice, kept for compatibility).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class WeChatCryptoError(Exception):
    """Base class: the request is not what WeChat would have sent."""


class BadSignature(WeChatCryptoError):
    pass


class DecryptError(WeChatCryptoError):
    """Not base64, not a whole number of blocks, bad padding or a length that does not fit."""


class AppIdMismatch(WeChatCryptoError):
    """The message decrypts but was encrypted for another account."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_ok(expected: str | None, *parts: str) -> bool:
    if not expected:
        return False
    return hmac.compare_digest(expected.strip().lower().encode(), signature(*parts).encode())


def _pad(data: bytes) -> bytes:
    n = BLOCK - len(data) % BLOCK
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    n = data[-1] if data else 0
    if not 1 <= n <= BLOCK or data[-n:] != bytes([n]) * n:
        raise DecryptError("bad padding")
    return data[:-n]


class MessageCrypto:
    """Encrypt and decrypt message XML for one Official Account (token, EncodingAESKey, AppID)."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(encoding_aes_key) != 43 or len(key) != 32:
            raise ValueError("the EncodingAESKey must be 43 base64 characters (32 bytes)")
        self.token = token
        self.key = key
        self.iv = key[:16]
        self.appid = appid

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.iv))

    def check(self, msg_signature: str | None, timestamp: str, nonce: str, encrypt: str) -> None:
        if not signature_ok(msg_signature, self.token, timestamp, nonce, encrypt):
            raise BadSignature("msg_signature does not match")

    def decrypt(self, encrypt: str) -> str:
        """The message XML inside ``Encrypt``; raises DecryptError or AppIdMismatch."""
        try:
            data = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptError("Encrypt is not base64") from None
        if not data or len(data) % 16:
            raise DecryptError("Encrypt is not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(data) + decryptor.finalize())
        if len(plain) < 20:
            raise DecryptError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise DecryptError("length does not fit")
        xml, appid = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(appid, self.appid.encode("utf-8")):
            raise AppIdMismatch("the message is for another AppID")
        try:
            return xml.decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptError("the message is not UTF-8") from None

    def encrypt(self, xml: str, random16: bytes | None = None) -> str:
        body = xml.encode("utf-8")
        head = random16 if random16 is not None else os.urandom(16)
        plain = _pad(head + struct.pack(">I", len(body)) + body + self.appid.encode("utf-8"))
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return signature(self.token, timestamp, nonce, encrypt)
