"""Key slots: the vault's database key wrapped once per user (``casecell.keys``).

The database key is 32 random bytes. Each user's slot holds it encrypted with AES-256-GCM
under a key derived from that user's passphrase with Argon2id; the slot is bound to the vault
and to itself through the GCM associated data. The file holds no personal data in clear: a
slot is found through an HMAC of the login under a per-vault salt, not the login itself.

Failed unlock attempts are noted here (time and, when known, the slot) because the audit
trail is inside the encrypted database; the next successful login moves them into the trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casecell.errors import VaultDamaged, VaultTooNew, WrongPassphrase, from_os_error
from casecell.fileio import write_atomically
from casecell.i18n import _

FORMAT = "casecell-keys"
VERSION = 1
KEY_BYTES = 32
MAX_PENDING_FAILURES = 1000


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
class KeySlot:
    slot_id: str
    lookup: str
    salt: bytes
    kdf: KdfParams
    nonce: bytes
    wrapped: bytes
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.slot_id,
            "lookup": self.lookup,
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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        kdf = data["kdf"]
        wrap = data["wrap"]
        if kdf["alg"] != "argon2id" or wrap["alg"] != "aes-256-gcm":
            raise ValueError("unknown algorithm")
        return cls(
            slot_id=str(data["id"]),
            lookup=str(data["lookup"]),
            salt=_unb64(kdf["salt"]),
            kdf=KdfParams(int(kdf["time_cost"]), int(kdf["memory_cost"]), int(kdf["parallelism"])),
            nonce=_unb64(wrap["nonce"]),
            wrapped=_unb64(wrap["ct"]),
            created_at=str(data["created_at"]),
        )


@dataclass
class KeyFile:
    """The parsed ``casecell.keys``: the vault id, its lookup salt, the slots, pending failures."""

    vault_id: str
    lookup_salt: bytes
    slots: list[KeySlot] = field(default_factory=list)
    failed_attempts: list[dict[str, str | None]] = field(default_factory=list)

    # -- slots ----------------------------------------------------------------------------
    def lookup_for(self, login: str) -> str:
        return hmac.new(self.lookup_salt, login.encode("utf-8"), hashlib.sha256).hexdigest()

    def find(self, login: str) -> KeySlot | None:
        wanted = self.lookup_for(login)
        return next((s for s in self.slots if hmac.compare_digest(s.lookup, wanted)), None)

    def _aad(self, slot_id: str) -> bytes:
        return f"{FORMAT}:{self.vault_id}:{slot_id}".encode("ascii")

    def make_slot(
        self,
        login: str,
        passphrase: str,
        db_key: bytes,
        kdf: KdfParams = DEFAULT_KDF,
        slot_id: str | None = None,
    ) -> KeySlot:
        slot_id = slot_id or secrets.token_hex(8)
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kek = kdf.derive(passphrase, salt)
        wrapped = AESGCM(kek).encrypt(nonce, db_key, self._aad(slot_id))
        return KeySlot(
            slot_id=slot_id,
            lookup=self.lookup_for(login),
            salt=salt,
            kdf=kdf,
            nonce=nonce,
            wrapped=wrapped,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def unwrap(self, slot: KeySlot, passphrase: str) -> bytes:
        kek = slot.kdf.derive(passphrase, slot.salt)
        try:
            key = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, self._aad(slot.slot_id))
        except InvalidTag:
            raise WrongPassphrase(_("Wrong passphrase.")) from None
        if len(key) != KEY_BYTES:
            raise VaultDamaged(_("The key file is damaged."))
        return key

    def with_slot(self, slot: KeySlot, replacing: str | None = None) -> KeyFile:
        kept = [s for s in self.slots if s.slot_id != replacing]
        return replace(self, slots=[*kept, slot])

    def without_slot(self, slot_id: str) -> KeyFile:
        return replace(self, slots=[s for s in self.slots if s.slot_id != slot_id])

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
        return {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "lookup_salt": _b64(self.lookup_salt),
            "slots": [s.to_json() for s in self.slots],
            "failed_attempts": self.failed_attempts,
        }

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
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise VaultDamaged(_("The key file is damaged.")) from exc


def read_keyfile(path: Path) -> KeyFile:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VaultDamaged(
            _("The key file “{path}” is missing: the vault cannot be opened without it.").format(
                path=path
            )
        ) from None
    except OSError as exc:
        raise from_os_error(exc, path) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise VaultDamaged(_("The key file “{path}” is damaged.").format(path=path)) from None
    return KeyFile.from_json(data)


def write_keyfile(path: Path, keyfile: KeyFile) -> None:
    text = json.dumps(keyfile.to_json(), indent=2, sort_keys=True) + "\n"
    write_atomically(path, text.encode("utf-8"))
