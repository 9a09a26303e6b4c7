"""Password hashers for users imported from Drupal 7 with their password hashes.

Drupal 7 (``includes/password.inc``) stores passwords as stretched, salted hashes in a
phpass-like format::

    $S$<count><salt><hash>    SHA-512, Drupal 7's own hashes (55 characters)
    $H$ / $P$                  MD5 phpass "portable" hashes (phpBB, WordPress, ...)
    U$S$...                    a Drupal 6 MD5 password rehashed by ``user_update_7000()``:
                               the ``$S$`` hash is over ``md5(password)`` (hex)

``<count>`` is the base-2 logarithm of the iteration count, one character of ``ITOA64``, and
``<salt>`` is eight characters. A bare 32-character hex MD5 (Drupal 6's own format) is also
accepted.

Store an imported hash with :func:`from_drupal_hash` (``"drupal7$" + drupal_hash``) and list
:class:`DrupalPasswordHasher` in ``PASSWORD_HASHERS`` *after* the preferred hasher: Django then
checks the old password on login and re-hashes it with the preferred hasher.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.translation import gettext_noop as _

__all__ = [
    "ALGORITHM",
    "DrupalPasswordHasher",
    "DrupalSHA512PasswordHasher",
    "drupal_check_password",
    "drupal_hash_password",
    "from_drupal_hash",
    "is_drupal_hash",
]

ALGORITHM = "drupal7"
ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Constants of includes/password.inc.
DRUPAL_HASH_COUNT = 15
DRUPAL_MIN_HASH_COUNT = 7
DRUPAL_MAX_HASH_COUNT = 30
DRUPAL_HASH_LENGTH = 55
DRUPAL_MAX_PASSWORD_LENGTH = 512

_DIGESTS = {"$S$": "sha512", "$H$": "md5", "$P$": "md5"}
_ITOA = re.escape(ITOA64)
# Full length of a well-formed hash: 12 setting characters, then the base64 of the digest
# (22 characters for MD5; SHA-512's 86 are cut to DRUPAL_HASH_LENGTH).
_STORED_RE = re.compile(rf"^\$([SHP])\$([{_ITOA}])([{_ITOA}]{{8}})([{_ITOA}]+)$")
_LENGTHS = {"S": DRUPAL_HASH_LENGTH, "H": 34, "P": 34}
_MD5_HEX_RE = re.compile(r"^[0-9a-fA-F]{32}$")


def _base64_encode(data: bytes) -> str:
    """``_password_base64_encode()``: phpass' little-endian base64 over ITOA64, no padding."""
    out = []
    count = len(data)
    i = 0
    while i < count:
        value = data[i]
        i += 1
        out.append(ITOA64[value & 0x3F])
        if i < count:
            value |= data[i] << 8
        out.append(ITOA64[(value >> 6) & 0x3F])
        if i >= count:
            break
        i += 1
        if i < count:
            value |= data[i] << 16
        out.append(ITOA64[(value >> 12) & 0x3F])
        if i >= count:
            break
        i += 1
        out.append(ITOA64[(value >> 18) & 0x3F])
    return "".join(out)


def _password_crypt(algo: str, password: bytes, setting: str) -> str | None:
    """``_password_crypt()``: hash ``password`` with the settings (first 12 chars) of a hash."""
    if len(password) > DRUPAL_MAX_PASSWORD_LENGTH:
        return None
    setting = setting[:12]
    if len(setting) != 12 or setting[0] != "$" or setting[2] != "$":
        return None
    count_log2 = ITOA64.find(setting[3])
    if not DRUPAL_MIN_HASH_COUNT <= count_log2 <= DRUPAL_MAX_HASH_COUNT:
        return None
    salt = setting[4:12]
    digest = hashlib.new(algo, salt.encode("ascii") + password).digest()
    for _i in range(1 << count_log2):
        digest = hashlib.new(algo, digest + password).digest()
    return (setting + _base64_encode(digest))[:DRUPAL_HASH_LENGTH]


def _split(drupal_hash: str) -> tuple[bool, str]:
    """Return (``U$`` prefix present, the stored hash without it)."""
    if drupal_hash.startswith("U$"):
        return True, drupal_hash[1:]
    return False, drupal_hash


def is_drupal_hash(drupal_hash: str) -> bool:
    """Whether ``drupal_hash`` is a password hash Drupal 7 (or 6) could have stored."""
    if not isinstance(drupal_hash, str):
        return False
    if _MD5_HEX_RE.match(drupal_hash):
        return True
    _updated, stored = _split(drupal_hash)
    match = _STORED_RE.match(stored)
    if not match:
        return False
    kind, count = match.group(1), ITOA64.index(match.group(2))
    return len(stored) == _LENGTHS[kind] and DRUPAL_MIN_HASH_COUNT <= count <= DRUPAL_MAX_HASH_COUNT


def drupal_check_password(password: str, drupal_hash: str) -> bool:
    """``user_check_password()``: whether ``password`` matches a Drupal password hash."""
    if password is None or not is_drupal_hash(drupal_hash):
        return False
    raw = password.encode("utf-8")
    if _MD5_HEX_RE.match(drupal_hash):
        return hmac.compare_digest(hashlib.md5(raw).hexdigest(), drupal_hash.lower())
    updated, stored = _split(drupal_hash)
    if updated:
        raw = hashlib.md5(raw).hexdigest().encode("ascii")
    computed = _password_crypt(_DIGESTS[stored[:3]], raw, stored)
    return computed is not None and hmac.compare_digest(computed.encode(), stored.encode())


def drupal_hash_password(
    password: str, salt: str | None = None, count_log2: int = DRUPAL_HASH_COUNT
) -> str:
    """``user_hash_password()``: a new ``$S$`` hash, as Drupal 7 would store it."""
    if salt is None:
        salt = "".join(secrets.choice(ITOA64) for _i in range(8))
    if len(salt) != 8 or any(c not in ITOA64 for c in salt):
        raise ValueError("A Drupal salt is 8 characters of ./0-9A-Za-z.")
    if not DRUPAL_MIN_HASH_COUNT <= count_log2 <= DRUPAL_MAX_HASH_COUNT:
        raise ValueError(
            f"count_log2 must be between {DRUPAL_MIN_HASH_COUNT} and {DRUPAL_MAX_HASH_COUNT}."
        )
    result = _password_crypt("sha512", password.encode("utf-8"), f"$S${ITOA64[count_log2]}{salt}")
    if result is None:
        raise ValueError(f"Passwords longer than {DRUPAL_MAX_PASSWORD_LENGTH} bytes are refused.")
    return result


def from_drupal_hash(drupal_hash: str) -> str:
    """The value to store in ``user.password`` for a hash from Drupal's ``users.pass`` column.

    Raises ``ValueError`` when ``drupal_hash`` is not a recognised Drupal password hash. A value
    already encoded for :class:`DrupalPasswordHasher` is returned unchanged.
    """
    value = drupal_hash.strip() if isinstance(drupal_hash, str) else drupal_hash
    if isinstance(value, str) and value.startswith(ALGORITHM + "$"):
        value = value[len(ALGORITHM) + 1 :]
    if not is_drupal_hash(value):
        raise ValueError(f"Not a recognised Drupal password hash: {_describe(drupal_hash)}")
    return f"{ALGORITHM}${value}"


def _describe(value) -> str:
    if not isinstance(value, str):
        return type(value).__name__
    if not value:
        return "empty value"
    return f"{value[:6]!r}... ({len(value)} characters)"


class DrupalPasswordHasher(BasePasswordHasher):
    """Checks Drupal 7 password hashes (``$S$``, ``$H$``, ``$P$``, ``U$...`` and plain MD5).

    Encoded values are ``drupal7$<the Drupal hash>``. Meant to come after the preferred hasher
    in ``PASSWORD_HASHERS`` so that a successful login re-hashes the password.
    ``encode()`` produces Drupal 7 ``$S$`` hashes.
    """

    algorithm = ALGORITHM
    iterations = DRUPAL_HASH_COUNT  # log2, as Drupal counts them

    def salt(self) -> str:
        return "".join(secrets.choice(ITOA64) for _i in range(8))

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._check_encode_args(password, salt)
        drupal_hash = drupal_hash_password(password, salt, iterations or self.iterations)
        return f"{self.algorithm}${drupal_hash}"

    def _drupal_hash(self, encoded: str) -> str:
        algorithm, _sep, drupal_hash = encoded.partition("$")
        if algorithm != self.algorithm:
            raise ValueError(f"Not a {self.algorithm} password: {algorithm!r}")
        return drupal_hash

    def verify(self, password: str, encoded: str) -> bool:
        try:
            drupal_hash = self._drupal_hash(encoded)
        except ValueError:
            return False
        return drupal_check_password(password, drupal_hash)

    def decode(self, encoded: str) -> dict:
        drupal_hash = self._drupal_hash(encoded)
        if _MD5_HEX_RE.match(drupal_hash):
            return {
                "algorithm": self.algorithm,
                "variant": "md5",
                "iterations": 1,
                "salt": "",
                "hash": drupal_hash,
            }
        updated, stored = _split(drupal_hash)
        variant = {"$S$": "sha512", "$H$": "md5", "$P$": "md5"}.get(stored[:3], "unknown")
        count_log2 = ITOA64.find(stored[3]) if len(stored) > 3 else -1
        return {
            "algorithm": self.algorithm,
            "variant": ("md5+" if updated else "") + variant,
            "iterations": 1 << count_log2 if count_log2 >= 0 else 0,
            "salt": stored[4:12],
            "hash": stored[12:],
        }

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("variant"): decoded["variant"],
            _("iterations"): decoded["iterations"],
            _("salt"): mask_hash(decoded["salt"]) if decoded["salt"] else "",
            _("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        # Imported hashes are only a bridge: re-hash with the preferred hasher on login.
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        # The work factor comes from the imported hash; nothing to equalise.
        pass


# Name used in some documentation; the same hasher (it handles every Drupal 7 form).
DrupalSHA512PasswordHasher = DrupalPasswordHasher
