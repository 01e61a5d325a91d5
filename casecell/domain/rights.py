"""What the documents of the data-subject rights hold: the answer to an access request
(RGPD art. 15) and the draft impact assessment (AIPD). Plain text, ready to print; the service
gathers it (``services/rights.py``), ``documents/access_pdf.py`` and ``aipd_pdf.py`` lay it out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SituationPart:
    reference: str
    facts: tuple[tuple[str, str], ...]  # (label, value)
    texts: tuple[tuple[str, str], ...]  # (label, free text as typed, others' names withheld)
    timeline: tuple[tuple[str, str, str], ...]  # (when, who: organisation and role, what)
    actions: tuple[tuple[str, str, str, str], ...]  # (what, owner organisation, due, status)


@dataclass(frozen=True)
class MinutesMention:
    day: str
    heading: str
    version: str  # "version 2, validated on …" or "draft (not validated)"
    reference: str
    summary: str
    decisions: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class AccessSheet:
    cell: str
    produced_on: str
    identity: tuple[tuple[str, str], ...]
    situations: tuple[SituationPart, ...]
    mentions: tuple[MinutesMention, ...]
    recipients: tuple[str, ...]  # the organisations that see the person's situations
    readers: tuple[tuple[str, str, str], ...]  # (when, who: organisation and role, what)
    retention: str  # « 2 ans »: kept after the last contact


@dataclass(frozen=True)
class AipdSection:
    """One section of the CNIL template: lines filled from the vault, and what the DPO must
    complete by hand (printed « À compléter »)."""

    title: str
    lines: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # first row: headers
    to_complete: tuple[str, ...] = ()


@dataclass(frozen=True)
class AipdSheet:
    cell: str
    produced_on: str
    sections: tuple[AipdSection, ...]
