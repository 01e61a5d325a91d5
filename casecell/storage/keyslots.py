"""Key slots: the vault's keys granted once per user (``casecell.keys``).

Two keys protect a vault. The **database key** (32 random bytes) opens ``casecell.vault``,
which holds everything, names included. The **indicator key**, derived from it one way
(HKDF), opens ``casecell.stats``, a name-free copy of the facts reports need. A slot of kind
``full`` grants the database key; a manager's slot (kind ``stats``) grants only the
indicator key, so a manager's passphrase cannot decrypt a name, whatever code runs it.

Each slot owns an X25519 key pair. Its private key is wrapped with AES-256-GCM under a key
derived from the user's passphrase with Argon2id; the secret it grants is *sealed* to its
public key (ephemeral X25519, HKDF, AES-256-GCM). Sealing needs no passphrase, so an
administrator can re-grant every remaining slot a new key when an account is disabled
(key rotation): during a rotation a slot carries the new secret as a ``pending`` grant
beside the current one, and the vault opens with either until the rotation is finished.

The file holds no personal data in clear: a slot is found through an HMAC of the login under
a per-vault salt. It also keeps the **audit anchor** (count and head of the audit trail), so
that a trail cut or re-chained inside the database is detected, and the failed unlock
attempts, noted here because the trail is inside the encrypted database; the next
successful login moves them into the trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casecell.compat import UTC, StrEnum
from casecell.errors import VaultDamaged, VaultError, VaultTooNew, WrongPassphrase, from_os_error
from casecell.fileio import write_atomically
from casecell.i18n import _

FORMAT = "casecell-keys"
NO_SLOT_SALT = b"casecell-no-slot"
VERSION = 2
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_PENDING_FAILURES = 1000
_RAW = serialization.Encoding.Raw


class SlotKind(StrEnum):
    FULL = "full"  # grants the database key: everything, names included
    STATS = "stats"  # grants the indicator key only: name-free aggregates (managers)


def _hkdf(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(key)


def stats_key(db_key: bytes | bytearray) -> bytes:
    """The indicator store's key: derived from the database key, which it cannot give back."""
    return _hkdf(bytes(db_key), b"casecell indicator store v1")


def manager_audit_key(indicator_key: bytes | bytearray) -> bytes:
    """The key chaining the entries written in the indicator store (managers' sessions)."""
    return _hkdf(bytes(indicator_key), b"casecell indicator audit v1")


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default takes about 0.4 s on the reference machine (benchmarks/)."""

    time_cost: int = 4
    memory_cost: int = 192 * 1024  # KiB
    parallelism: int = 2

    @classmethod
    def checked(cls, time_cost: Any, memory_cost: Any, parallelism: Any) -> KdfParams:
        """Costs read from a key file, refused outside sane bounds (an edited key file must
        not make an unlock take hours or all the memory)."""
        return cls(
            _bounded(time_cost, 1, MAX_TIME_COST),
            _bounded(memory_cost, MIN_MEMORY, MAX_MEMORY),
            _bounded(parallelism, 1, MAX_LANES),
        )

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        """The key Argon2id derives from ``passphrase`` and ``salt`` (the one started ahead by
        :func:`derive_ahead` when it was for exactly these)."""
        ready = _Ahead.take(self, passphrase, salt)
        return ready if ready is not None else self._argon2(passphrase, salt)

    def _argon2(self, passphrase: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            passphrase.encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


class _Ahead:
    """One derivation started before it is asked for, in a thread: Argon2id runs in C
    without Python's lock, so a one-shot command imports the vault's code (SQLAlchemy, the
    ORM, ReportLab: ~0.4 s) on one core while the key is derived on the other.

    Taken only by a derivation with the same costs, salt and passphrase (compared in
    constant time); anything else drops it. Held for one process's sign-in, never written."""

    _pending: _Ahead | None = None
    _guard = threading.Lock()

    def __init__(self, kdf: KdfParams, passphrase: str, salt: bytes) -> None:
        self.kdf, self.salt = kdf, salt
        self._passphrase = _exactly(passphrase)
        self._key: bytes | None = None
        self._thread = threading.Thread(target=self._run, name="casecell-kdf", daemon=True)

    def _run(self) -> None:
        try:
            self._key = self.kdf._argon2(
                self._passphrase.decode("utf-8", "surrogatepass"), self.salt
            )
        except Exception:  # the derivation asked for later reports it
            self._key = None

    @classmethod
    def start(cls, kdf: KdfParams, passphrase: str, salt: bytes) -> bool:
        ahead = cls(kdf, passphrase, salt)
        try:
            ahead._thread.start()
        except RuntimeError:  # no thread to be had (a process limit): derived at sign-in
            return False
        with cls._guard:
            cls._pending = ahead
        return True

    @classmethod
    def forget(cls) -> None:
        with cls._guard:
            ahead, cls._pending = cls._pending, None
        if ahead is not None:
            ahead._passphrase = b""  # the thread's key is dropped when it ends, unread

    @classmethod
    def take(cls, kdf: KdfParams, passphrase: str, salt: bytes) -> bytes | None:
        with cls._guard:
            ahead, cls._pending = cls._pending, None
        if ahead is None:
            return None
        same = hmac.compare_digest(ahead._passphrase, _exactly(passphrase))
        if not (same and ahead.kdf == kdf and hmac.compare_digest(ahead.salt, salt)):
            return None  # another account, passphrase or key file: derived anew
        ahead._thread.join()
        key, ahead._key, ahead._passphrase = ahead._key, None, b""
        return key


def _exactly(passphrase: str) -> bytes:
    """``passphrase`` as bytes to compare, whatever it holds (a lone surrogate read from the
    environment is refused by the sign-in, not here)."""
    return passphrase.encode("utf-8", "surrogatepass")


def forget_ahead() -> None:
    """Drop a derivation started ahead and not taken (the sign-in failed before it)."""
    _Ahead.forget()


def derive_ahead(path: Path, login: str, passphrase: str) -> bool:
    """Start deriving ``login``'s key-slot key from the key file at ``path`` in a thread, for
    the sign-in that follows (:meth:`KdfParams.derive` takes it; for a login with no slot,
    the decoy its sign-in spends); False when nothing was started (a key file that cannot
    be read: the sign-in says why)."""
    try:
        keyfile = read_keyfile(path)
    except Exception:  # an optimisation only: the sign-in reports the problem
        return False
    slot = keyfile.find(login)
    if slot is None:  # the decoy the sign-in spends (the same time: no account revealed)
        return _Ahead.start(keyfile.decoy_kdf(), passphrase, NO_SLOT_SALT)
    return _Ahead.start(slot.kdf, passphrase, slot.salt)


DEFAULT_KDF = KdfParams()
# What a key file may ask of Argon2id: enough for any real setting, never a machine's worth.
MAX_TIME_COST, MIN_MEMORY, MAX_MEMORY, MAX_LANES = 20, 8 * 1024, 1024 * 1024, 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _sized(text: Any, size: int) -> bytes:
    """Base64 of exactly ``size`` bytes, or ValueError (a damaged or edited key file)."""
    if not isinstance(text, str) or len(text) > 4 * size:
        raise ValueError("not base64 of the right size")
    data = _unb64(text)
    if len(data) != size:
        raise ValueError("wrong size")
    return data


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise ValueError("not a short text")
    return value


def _bounded(value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError("out of range")
    return value


@dataclass(frozen=True)
class Grant:
    """A secret sealed to a slot's public key: only that slot's private key opens it."""

    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "alg": "x25519-hkdf-aes-256-gcm",
            "epk": _b64(self.ephemeral),
            "nonce": _b64(self.nonce),
            "ct": _b64(self.ciphertext),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Grant:
        if data["alg"] != "x25519-hkdf-aes-256-gcm":
            raise ValueError("unknown algorithm")
        return cls(
            _sized(data["epk"], KEY_BYTES),
            _sized(data["nonce"], NONCE_BYTES),
            _sized(data["ct"], KEY_BYTES + TAG_BYTES),
        )


def seal(public: bytes, secret: bytes, aad: bytes) -> Grant:
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = _hkdf(shared, b"casecell grant v1", salt=epk + public)
    nonce = secrets.token_bytes(12)
    return Grant(epk, nonce, AESGCM(key).encrypt(nonce, secret, aad))


def unseal(private: bytes, grant: Grant, aad: bytes) -> bytes:
    own = X25519PrivateKey.from_private_bytes(private)
    public = own.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    shared = own.exchange(X25519PublicKey.from_public_bytes(grant.ephemeral))
    key = _hkdf(shared, b"casecell grant v1", salt=grant.ephemeral + public)
    try:
        secret = AESGCM(key).decrypt(grant.nonce, grant.ciphertext, aad)
    except InvalidTag:
        raise VaultDamaged(_("The key file is damaged.")) from None
    if len(secret) != KEY_BYTES:
        raise VaultDamaged(_("The key file is damaged."))
    return secret


@dataclass(frozen=True)
class KeySlot:
    """One account's slot. ``public`` is None for a version 1 slot, whose ``wrapped`` is the
    database key itself (upgraded to a key pair at its owner's next login)."""

    slot_id: str
    lookup: str
    salt: bytes
    kdf: KdfParams
    nonce: bytes
    wrapped: bytes
    created_at: str
    kind: SlotKind = SlotKind.FULL
    public: bytes | None = None
    grant: Grant | None = None
    pending: Grant | None = None

    @property
    def legacy(self) -> bool:
        return self.public is None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.slot_id,
            "lookup": self.lookup,
            "kind": self.kind.value,
            "kdf": {
                "alg": "argon2id",
                "salt": _b64(self.salt),
                "time_cost": self.kdf.time_cost,
                "memory_cost": self.kdf.memory_cost,
                "parallelism": self.kdf.parallelism,
            },
            "wrap": {"alg": "aes-256-gcm", "nonce": _b64(self.nonce), "ct": _b64(self.wrapped)},
            "created_at": self.created_at,
        }
        if self.public is not None:
            data["public"] = _b64(self.public)
        if self.grant is not None:
            data["grant"] = self.grant.to_json()
        if self.pending is not None:
            data["pending"] = self.pending.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        kdf = data["kdf"]
        wrap = data["wrap"]
        if kdf["alg"] != "argon2id" or wrap["alg"] != "aes-256-gcm":
            raise ValueError("unknown algorithm")
        public = _sized(data["public"], KEY_BYTES) if "public" in data else None
        grant = Grant.from_json(data["grant"]) if "grant" in data else None
        if (public is None) != (grant is None):
            raise ValueError("a key pair without its grant")
        return cls(
            slot_id=_text(data["id"], 32),
            lookup=_text(data["lookup"], 64),
            salt=_sized(kdf["salt"], SALT_BYTES),
            kdf=KdfParams.checked(kdf["time_cost"], kdf["memory_cost"], kdf["parallelism"]),
            nonce=_sized(wrap["nonce"], NONCE_BYTES),
            wrapped=_sized(wrap["ct"], KEY_BYTES + TAG_BYTES),
            created_at=_text(data["created_at"], 64),
            kind=SlotKind(data.get("kind", SlotKind.FULL.value)),
            public=public,
            grant=grant,
            pending=Grant.from_json(data["pending"]) if "pending" in data else None,
        )


@dataclass(frozen=True)
class OpenedSlot:
    """What a passphrase opened: the slot, its secret and, mid-rotation, the next one."""

    slot: KeySlot
    secret: bytes
    pending: bytes | None = None


@dataclass(frozen=True)
class AuditAnchor:
    """The audit trail's length and head hash at the last anchoring."""

    count: int
    head: str

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "head": self.head}

    @classmethod
    def from_json(cls, data: Any) -> AuditAnchor | None:
        if data is None:
            return None
        head = _text(data["head"], 64)
        if len(head) != 64 or not all(c in "0123456789abcdef" for c in head):
            raise ValueError("not a hash")
        return cls(_bounded(data["count"], 0, 2**62), head)


@dataclass
class KeyFile:
    """The parsed ``casecell.keys``: vault id, lookup salt, slots, anchor, pending failures."""

    vault_id: str
    lookup_salt: bytes
    slots: list[KeySlot] = field(default_factory=list)
    failed_attempts: list[dict[str, str | None]] = field(default_factory=list)
    anchor: AuditAnchor | None = None

    # -- slots ----------------------------------------------------------------------------
    def lookup_for(self, login: str) -> str:
        return hmac.new(self.lookup_salt, login.encode("utf-8"), hashlib.sha256).hexdigest()

    def decoy_kdf(self) -> KdfParams:
        """What an unknown login's sign-in spends (with :data:`NO_SLOT_SALT`): a real slot's
        cost, so that the answer does not reveal which accounts exist."""
        return self.slots[0].kdf if self.slots else DEFAULT_KDF

    def find(self, login: str) -> KeySlot | None:
        wanted = self.lookup_for(login)
        return next((s for s in self.slots if hmac.compare_digest(s.lookup, wanted)), None)

    def get(self, slot_id: str) -> KeySlot | None:
        return next((s for s in self.slots if s.slot_id == slot_id), None)

    def _aad(self, slot_id: str, what: str = "") -> bytes:
        return f"{FORMAT}:{self.vault_id}:{slot_id}{what}".encode("ascii")

    def _bound(self, slot_id: str, what: str, kind: SlotKind, public: bytes) -> bytes:
        """Associated data binding a wrap or grant to its slot's kind and public key: a key
        file edited to call a manager's slot ``full`` (or to swap a public key) no longer
        opens."""
        return self._aad(slot_id, f":{what}:{kind.value}:{public.hex()}")

    def make_slot(
        self,
        login: str,
        passphrase: str,
        secret: bytes,
        kdf: KdfParams = DEFAULT_KDF,
        slot_id: str | None = None,
        kind: SlotKind = SlotKind.FULL,
    ) -> KeySlot:
        """A new slot for ``login`` granting ``secret`` (the key its ``kind`` opens)."""
        slot_id = slot_id or secrets.token_hex(8)
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kek = kdf.derive(passphrase, salt)
        private = X25519PrivateKey.generate()
        private_bytes = private.private_bytes(
            _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        public = private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
        return KeySlot(
            slot_id=slot_id,
            lookup=self.lookup_for(login),
            salt=salt,
            kdf=kdf,
            nonce=nonce,
            wrapped=AESGCM(kek).encrypt(
                nonce, private_bytes, self._bound(slot_id, "private", kind, public)
            ),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            kind=kind,
            public=public,
            grant=seal(public, secret, self._bound(slot_id, "grant", kind, public)),
        )

    def open_slot(self, slot: KeySlot, passphrase: str) -> OpenedSlot:
        """The secret(s) ``slot`` grants, or :class:`WrongPassphrase`."""
        kek = slot.kdf.derive(passphrase, slot.salt)
        if slot.public is None:
            aad = self._aad(slot.slot_id)
        else:
            aad = self._bound(slot.slot_id, "private", slot.kind, slot.public)
        try:
            inner = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, aad)
        except InvalidTag:
            raise WrongPassphrase(_("Wrong passphrase.")) from None
        if len(inner) != KEY_BYTES:
            raise VaultDamaged(_("The key file is damaged."))
        if slot.public is None:
            return OpenedSlot(slot, inner)
        assert slot.grant is not None
        aad = self._bound(slot.slot_id, "grant", slot.kind, slot.public)
        secret = unseal(inner, slot.grant, aad)
        pending = unseal(inner, slot.pending, aad) if slot.pending is not None else None
        return OpenedSlot(slot, secret, pending)

    def regranted(
        self, slot: KeySlot, secret: bytes, kind: SlotKind, public: bytes, *, pending: bool
    ) -> KeySlot:
        """``slot`` granting ``secret`` (as its pending grant, or as its only one), sealed to
        ``public`` for ``kind`` — both as the vault's database records them, never as the
        key file says (anyone may edit the key file)."""
        if slot.public is None:
            raise VaultError(_("This account has not signed in since casecell was updated."))
        grant = seal(public, secret, self._bound(slot.slot_id, "grant", kind, public))
        # The kind and public key as recorded, whatever the file said: an edited slot is
        # put back (its owner's passphrase then opens it again).
        if pending:
            return replace(slot, kind=kind, public=public, pending=grant)
        return replace(slot, kind=kind, public=public, grant=grant, pending=None)

    def with_slot(self, slot: KeySlot, replacing: str | None = None) -> KeyFile:
        kept = [s for s in self.slots if s.slot_id != replacing]
        return replace(self, slots=[*kept, slot])

    def without_slot(self, slot_id: str) -> KeyFile:
        return replace(self, slots=[s for s in self.slots if s.slot_id != slot_id])

    @property
    def rotating(self) -> bool:
        return any(s.pending is not None for s in self.slots)

    def promoted(self) -> KeyFile:
        """Finish a rotation: every pending grant becomes the slot's grant."""
        slots = [
            replace(s, grant=s.pending, pending=None) if s.pending is not None else s
            for s in self.slots
        ]
        return replace(self, slots=slots)

    def abandoned(self) -> KeyFile:
        """Forget a rotation that did not reach the database: the current grants stay."""
        return replace(self, slots=[replace(s, pending=None) for s in self.slots])

    # -- failed attempts ------------------------------------------------------------------
    def with_failure(self, slot_id: str | None) -> KeyFile:
        entry = {"at": datetime.now(UTC).isoformat(), "slot": slot_id}
        kept = self.failed_attempts[-(MAX_PENDING_FAILURES - 1) :]
        return replace(self, failed_attempts=[*kept, entry])

    # -- file -----------------------------------------------------------------------------
    @classmethod
    def new(cls) -> KeyFile:
        return cls(vault_id=secrets.token_hex(16), lookup_salt=secrets.token_bytes(16))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "lookup_salt": _b64(self.lookup_salt),
            "slots": [s.to_json() for s in self.slots],
            "failed_attempts": self.failed_attempts,
        }
        if self.anchor is not None:
            data["audit_anchor"] = self.anchor.to_json()
        return data

    @classmethod
    def from_json(cls, data: Any) -> KeyFile:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise VaultDamaged(_("The key file is not a casecell key file."))
        version = data.get("version")
        if isinstance(version, int) and version > VERSION:
            raise VaultTooNew(
                _(
                    "This vault was written by a newer version of casecell. "
                    "Update casecell to open it."
                )
            )
        try:
            if len(data["slots"]) > 10_000 or len(data["failed_attempts"]) > MAX_PENDING_FAILURES:
                raise ValueError("too many entries")
            return cls(
                vault_id=_text(data["vault_id"], 64),
                lookup_salt=_sized(data["lookup_salt"], SALT_BYTES),
                slots=[KeySlot.from_json(s) for s in data["slots"]],
                failed_attempts=[_failure(f) for f in data["failed_attempts"]],
                anchor=AuditAnchor.from_json(data.get("audit_anchor")),
            )
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise VaultDamaged(_("The key file is damaged.")) from exc


def _failure(data: Any) -> dict[str, str | None]:
    at = _text(data["at"], 64)
    if datetime.fromisoformat(at).tzinfo is None:
        raise ValueError("a naive moment")
    slot = data.get("slot")
    return {"at": at, "slot": None if slot is None else _text(slot, 32)}


MAX_KEYFILE_BYTES = 16 * 1024 * 1024


def read_keyfile(path: Path) -> KeyFile:
    try:
        # Opened without waiting (a pipe in its place would block), checked on the open file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise VaultDamaged(_("The key file “{path}” is damaged.").format(path=path))
            raw = handle.read(MAX_KEYFILE_BYTES + 1)
    except FileNotFoundError:
        raise VaultDamaged(
            _("The key file “{path}” is missing: the vault cannot be opened without it.").format(
                path=path
            )
        ) from None
    except OSError as exc:
        raise from_os_error(exc, path, reading=True) from exc
    if len(raw) > MAX_KEYFILE_BYTES:
        raise VaultDamaged(_("The key file “{path}” is damaged.").format(path=path))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise VaultDamaged(_("The key file “{path}” is damaged.").format(path=path)) from None
    return KeyFile.from_json(data)


def write_keyfile(path: Path, keyfile: KeyFile, *, durable: bool = True) -> None:
    text = json.dumps(keyfile.to_json(), indent=2, sort_keys=True) + "\n"
    write_atomically(path, text.encode("utf-8"), durable=durable, tracked=False)
