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
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casecell.errors import VaultDamaged, VaultError, VaultTooNew, WrongPassphrase, from_os_error
from casecell.fileio import write_atomically
from casecell.i18n import _

FORMAT = "casecell-keys"
VERSION = 2
KEY_BYTES = 32
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

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            passphrase.encode("utf-8"),
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )


DEFAULT_KDF = KdfParams()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


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
        return cls(_unb64(data["epk"]), _unb64(data["nonce"]), _unb64(data["ct"]))


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
        public = _unb64(data["public"]) if "public" in data else None
        grant = Grant.from_json(data["grant"]) if "grant" in data else None
        if (public is None) != (grant is None):
            raise ValueError("a key pair without its grant")
        return cls(
            slot_id=str(data["id"]),
            lookup=str(data["lookup"]),
            salt=_unb64(kdf["salt"]),
            kdf=KdfParams(int(kdf["time_cost"]), int(kdf["memory_cost"]), int(kdf["parallelism"])),
            nonce=_unb64(wrap["nonce"]),
            wrapped=_unb64(wrap["ct"]),
            created_at=str(data["created_at"]),
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
        return cls(int(data["count"]), str(data["head"]))


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

    def find(self, login: str) -> KeySlot | None:
        wanted = self.lookup_for(login)
        return next((s for s in self.slots if hmac.compare_digest(s.lookup, wanted)), None)

    def get(self, slot_id: str) -> KeySlot | None:
        return next((s for s in self.slots if s.slot_id == slot_id), None)

    def _aad(self, slot_id: str, what: str = "") -> bytes:
        return f"{FORMAT}:{self.vault_id}:{slot_id}{what}".encode("ascii")

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
            wrapped=AESGCM(kek).encrypt(nonce, private_bytes, self._aad(slot_id, ":private")),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            kind=kind,
            public=public,
            grant=seal(public, secret, self._aad(slot_id, ":grant")),
        )

    def open_slot(self, slot: KeySlot, passphrase: str) -> OpenedSlot:
        """The secret(s) ``slot`` grants, or :class:`WrongPassphrase`."""
        kek = slot.kdf.derive(passphrase, slot.salt)
        what = "" if slot.legacy else ":private"
        try:
            inner = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, self._aad(slot.slot_id, what))
        except InvalidTag:
            raise WrongPassphrase(_("Wrong passphrase.")) from None
        if len(inner) != KEY_BYTES:
            raise VaultDamaged(_("The key file is damaged."))
        if slot.legacy:
            return OpenedSlot(slot, inner)
        assert slot.grant is not None
        aad = self._aad(slot.slot_id, ":grant")
        secret = unseal(inner, slot.grant, aad)
        pending = unseal(inner, slot.pending, aad) if slot.pending is not None else None
        return OpenedSlot(slot, secret, pending)

    def regranted(self, slot: KeySlot, secret: bytes, *, pending: bool) -> KeySlot:
        """``slot`` granting ``secret`` (as its pending grant, or as its only one)."""
        if slot.public is None:
            raise VaultError(_("This account has not signed in since casecell was updated."))
        grant = seal(slot.public, secret, self._aad(slot.slot_id, ":grant"))
        if pending:
            return replace(slot, pending=grant)
        return replace(slot, grant=grant, pending=None)

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
            return cls(
                vault_id=str(data["vault_id"]),
                lookup_salt=_unb64(data["lookup_salt"]),
                slots=[KeySlot.from_json(s) for s in data["slots"]],
                failed_attempts=[
                    {"at": str(f["at"]), "slot": f.get("slot")} for f in data["failed_attempts"]
                ],
                anchor=AuditAnchor.from_json(data.get("audit_anchor")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise VaultDamaged(_("The key file is damaged.")) from exc


MAX_KEYFILE_BYTES = 16 * 1024 * 1024


def read_keyfile(path: Path) -> KeyFile:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_KEYFILE_BYTES + 1)
    except FileNotFoundError:
        raise VaultDamaged(
            _("The key file “{path}” is missing: the vault cannot be opened without it.").format(
                path=path
            )
        ) from None
    except OSError as exc:
        raise from_os_error(exc, path) from exc
    if len(raw) > MAX_KEYFILE_BYTES:
        raise VaultDamaged(_("The key file “{path}” is damaged.").format(path=path))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise VaultDamaged(_("The key file “{path}” is damaged.").format(path=path)) from None
    return KeyFile.from_json(data)


def write_keyfile(path: Path, keyfile: KeyFile) -> None:
    text = json.dumps(keyfile.to_json(), indent=2, sort_keys=True) + "\n"
    write_atomically(path, text.encode("utf-8"))
