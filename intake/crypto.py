"""Reporter privacy: encryption at rest, blind indexes, password and code hashing.

PII is encrypted with Fernet under a key ring (``INTAKE_PII_KEYS``, newest first):
encryption uses the newest key, decryption tries each, and ``rotate`` re-encrypts a token
under the newest key. Blind indexes (a keyed HMAC) link the same phone number or openid
without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

_hasher = PasswordHasher()


class Vault:
    def __init__(self, pii_keys: tuple[str, ...], hash_key: str) -> None:
        if not pii_keys:
            raise ValueError("at least one PII key is required")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in pii_keys])
        self._hash_key = hash_key.encode()

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("PII token cannot be decrypted with any configured key") from exc

    def rotate(self, token: str | None) -> str | None:
        if token is None:
            return None
        return self._fernet.rotate(token.encode()).decode()

    def blind_index(self, kind: str, value: str) -> str:
        normalised = "".join(value.split())
        return hmac.new(self._hash_key, f"{kind}|{normalised}".encode(), hashlib.sha256).hexdigest()

    # Query codes have only 10^6 values: a slow hash would not save them from an attacker
    # holding the table (10^6 guesses), and it would put ~0.3 s of CPU on every report and
    # look-up. Instead the hash is keyed with the server's secret (a stolen table alone
    # gives nothing to guess against), salted per ticket, compared in constant time, and
    # on-line guessing is rate limited.
    def hash_query_code(self, code: str) -> str:
        salt = secrets.token_hex(8)
        return f"h1${salt}${self._code_mac(salt, code)}"

    def check_query_code(self, stored: str, code: str) -> bool:
        try:
            version, salt, mac = stored.split("$")
        except ValueError:
            return False
        return version == "h1" and hmac.compare_digest(mac, self._code_mac(salt, code))

    def _code_mac(self, salt: str, code: str) -> str:
        return hmac.new(self._hash_key, f"query-code|{salt}|{code}".encode(), hashlib.sha256).hexdigest()

    def derived_code(self, purpose: str, value: str, digits: int = 6) -> str:
        """A code derived from a secret key: indistinguishable from random without the key,
        and the same for the same provider message, so a retried message gets the same code."""
        mac = hmac.new(self._hash_key, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
        return str(int.from_bytes(mac[:8], "big") % 10**digits).zfill(digits)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def random_query_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "*" * len(phone)

