"""The common nomenclatures partners share (ANDASS asks for them): codes are stable and go into
files and exports; labels are French through the catalogue."""

from __future__ import annotations

import re

from casecell.compat import StrEnum
from casecell.i18n import _


class Sector(StrEnum):
    SOCIAL = "social"
    MEDICO_SOCIAL = "medico_social"
    HEALTH = "health"
    HOUSING = "housing"
    SECURITY_JUSTICE = "security_justice"
    EDUCATION = "education"

    @property
    def label(self) -> str:
        return {
            Sector.SOCIAL: _("social"),
            Sector.MEDICO_SOCIAL: _("medico-social"),
            Sector.HEALTH: _("health"),
            Sector.HOUSING: _("housing"),
            Sector.SECURITY_JUSTICE: _("security and justice"),
            Sector.EDUCATION: _("education"),
        }[self]


class OrganisationKind(StrEnum):
    CCAS = "ccas"
    CIAS = "cias"
    COMMUNE = "commune"
    CD_ASE = "cd_ase"
    CD_PMI = "cd_pmi"
    CD_APA = "cd_apa"
    CD_MDS = "cd_mds"
    ARS = "ars"
    DDETS = "ddets"
    CAF = "caf"
    CPAM = "cpam"
    MSA = "msa"
    CMP_HOSPITAL = "cmp_hospital"
    SOCIAL_LANDLORD = "social_landlord"
    POLICE = "police"
    JUSTICE_SPIP = "justice_spip"
    NATIONAL_EDUCATION = "national_education"
    ASSOCIATION = "association"
    DAC = "dac"
    MDPH = "mdph"
    MJPM = "mjpm"
    SIAO = "siao"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]()

    @property
    def sector(self) -> Sector:
        return _KIND_SECTORS[self]


_KIND_LABELS = {
    OrganisationKind.CCAS: lambda: _("CCAS (municipal social action centre)"),
    OrganisationKind.CIAS: lambda: _("CIAS (intermunicipal social action centre)"),
    OrganisationKind.COMMUNE: lambda: _("Municipality"),
    OrganisationKind.CD_ASE: lambda: _("Département — child welfare (ASE)"),
    OrganisationKind.CD_PMI: lambda: _("Département — mother and child health (PMI)"),
    OrganisationKind.CD_APA: lambda: _("Département — autonomy (APA)"),
    OrganisationKind.CD_MDS: lambda: _("Département — social services (MDS)"),
    OrganisationKind.ARS: lambda: _("Regional health agency (ARS)"),
    OrganisationKind.DDETS: lambda: _("DDETS"),
    OrganisationKind.CAF: lambda: _("Family allowance fund (CAF)"),
    OrganisationKind.CPAM: lambda: _("Health insurance fund (CPAM)"),
    OrganisationKind.MSA: lambda: _("Agricultural social insurance (MSA)"),
    OrganisationKind.CMP_HOSPITAL: lambda: _("Psychiatry — CMP or hospital"),
    OrganisationKind.SOCIAL_LANDLORD: lambda: _("Social landlord"),
    OrganisationKind.POLICE: lambda: _("Police or gendarmerie"),
    OrganisationKind.JUSTICE_SPIP: lambda: _("Justice or SPIP"),
    OrganisationKind.NATIONAL_EDUCATION: lambda: _("National education"),
    OrganisationKind.ASSOCIATION: lambda: _("Association"),
    OrganisationKind.DAC: lambda: _("Care coordination support (DAC)"),
    OrganisationKind.MDPH: lambda: _("Disability centre (MDPH)"),
    OrganisationKind.MJPM: lambda: _("Guardianship service (MJPM)"),
    OrganisationKind.SIAO: lambda: _("Housing and shelter service (SIAO)"),
    OrganisationKind.OTHER: lambda: _("Other"),
}

_KIND_SECTORS = {
    OrganisationKind.CCAS: Sector.SOCIAL,
    OrganisationKind.CIAS: Sector.SOCIAL,
    OrganisationKind.COMMUNE: Sector.SOCIAL,
    OrganisationKind.CD_ASE: Sector.SOCIAL,
    OrganisationKind.CD_PMI: Sector.MEDICO_SOCIAL,
    OrganisationKind.CD_APA: Sector.MEDICO_SOCIAL,
    OrganisationKind.CD_MDS: Sector.SOCIAL,
    OrganisationKind.ARS: Sector.HEALTH,
    OrganisationKind.DDETS: Sector.SOCIAL,
    OrganisationKind.CAF: Sector.SOCIAL,
    OrganisationKind.CPAM: Sector.HEALTH,
    OrganisationKind.MSA: Sector.SOCIAL,
    OrganisationKind.CMP_HOSPITAL: Sector.HEALTH,
    OrganisationKind.SOCIAL_LANDLORD: Sector.HOUSING,
    OrganisationKind.POLICE: Sector.SECURITY_JUSTICE,
    OrganisationKind.JUSTICE_SPIP: Sector.SECURITY_JUSTICE,
    OrganisationKind.NATIONAL_EDUCATION: Sector.EDUCATION,
    OrganisationKind.ASSOCIATION: Sector.SOCIAL,
    OrganisationKind.DAC: Sector.HEALTH,
    OrganisationKind.MDPH: Sector.MEDICO_SOCIAL,
    OrganisationKind.MJPM: Sector.SOCIAL,
    OrganisationKind.SIAO: Sector.HOUSING,
    OrganisationKind.OTHER: Sector.SOCIAL,
}


class ProblemArea(StrEnum):
    HOUSING_HOARDING = "housing_hoarding"
    MENTAL_HEALTH = "mental_health"
    AUTONOMY_ISOLATION = "autonomy_isolation"
    CHILD_PROTECTION = "child_protection"
    DOMESTIC_VIOLENCE = "domestic_violence"
    ADDICTIONS = "addictions"
    RIGHTS_PRECARITY = "rights_precarity"
    NEIGHBOURHOOD = "neighbourhood"
    DISABILITY = "disability"
    LEGAL_PROTECTION = "legal_protection"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            ProblemArea.HOUSING_HOARDING: _("Housing / hoarding"),
            ProblemArea.MENTAL_HEALTH: _("Mental health"),
            ProblemArea.AUTONOMY_ISOLATION: _("Loss of autonomy / isolation"),
            ProblemArea.CHILD_PROTECTION: _("Child protection"),
            ProblemArea.DOMESTIC_VIOLENCE: _("Domestic violence"),
            ProblemArea.ADDICTIONS: _("Addictions"),
            ProblemArea.RIGHTS_PRECARITY: _("Access to rights / poverty"),
            ProblemArea.NEIGHBOURHOOD: _("Neighbourhood disputes"),
            ProblemArea.DISABILITY: _("Disability"),
            ProblemArea.LEGAL_PROTECTION: _("Legal protection"),
            ProblemArea.OTHER: _("Other"),
        }[self]


class Urgency(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {
            Urgency.NORMAL: _("ordinary"),
            Urgency.PRIORITY: _("priority"),
            Urgency.URGENT: _("urgent"),
        }[self]


class LegalBasis(StrEnum):
    """On what ground the partners share information about the person."""

    CONSENT = "consent"
    CASF_L121_6_2 = "casf_l121_6_2"
    CASF_L226_2_2 = "casf_l226_2_2"
    CSP_L1110_4 = "csp_l1110_4"

    @property
    def label(self) -> str:
        return {
            LegalBasis.CONSENT: _("The person's consent"),
            LegalBasis.CASF_L121_6_2: _("Art. L.121-6-2 CASF (social action)"),
            LegalBasis.CASF_L226_2_2: _("Art. L.226-2-2 CASF (child protection)"),
            LegalBasis.CSP_L1110_4: _("Art. L.1110-4 CSP (care team)"),
        }[self]

    @property
    def needs_consent(self) -> bool:
        return self is LegalBasis.CONSENT


class ConsentStatus(StrEnum):
    NOT_ASKED = "not_asked"
    AGREED = "agreed"
    REFUSED = "refused"
    NOT_POSSIBLE = "not_possible"

    @property
    def label(self) -> str:
        return {
            ConsentStatus.NOT_ASKED: _("not asked yet"),
            ConsentStatus.AGREED: _("agreed"),
            ConsentStatus.REFUSED: _("refused"),
            ConsentStatus.NOT_POSSIBLE: _("not possible"),
        }[self]


class CaseStatus(StrEnum):
    RECEIVED = "received"
    ELIGIBILITY = "eligibility"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_REVIEW = "in_review"
    MONITORING = "monitoring"
    CLOSED = "closed"

    @property
    def finished(self) -> bool:
        """Closed or declined: no longer discussed, no new action, on the retention clock."""
        return self in (CaseStatus.CLOSED, CaseStatus.DECLINED)

    @property
    def label(self) -> str:
        return {
            CaseStatus.RECEIVED: _("received"),
            CaseStatus.ELIGIBILITY: _("eligibility check"),
            CaseStatus.ACCEPTED: _("accepted"),
            CaseStatus.DECLINED: _("declined"),
            CaseStatus.IN_REVIEW: _("in review"),
            CaseStatus.MONITORING: _("monitoring"),
            CaseStatus.CLOSED: _("closed"),
        }[self]


class Outcome(StrEnum):
    RESOLVED = "resolved"
    ORDINARY_SERVICES = "ordinary_services"
    PERSON_REFUSED = "person_refused"
    MOVED_AWAY = "moved_away"
    DECEASED = "deceased"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Outcome.RESOLVED: _("resolved"),
            Outcome.ORDINARY_SERVICES: _("handed to ordinary services"),
            Outcome.PERSON_REFUSED: _("the person refused"),
            Outcome.MOVED_AWAY: _("moved away"),
            Outcome.DECEASED: _("deceased"),
            Outcome.OTHER: _("other"),
        }[self]


class ActionStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {
            ActionStatus.TODO: _("to do"),
            ActionStatus.DOING: _("in progress"),
            ActionStatus.DONE: _("done"),
            ActionStatus.DROPPED: _("dropped"),
        }[self]

    @property
    def open(self) -> bool:
        return self in (ActionStatus.TODO, ActionStatus.DOING)


class CarryOverReason(StrEnum):
    """Why an undone action comes back (UK MARAC practice makes exactly this distinction)."""

    SITUATION_CHANGED = "situation_changed"
    PARTNER_DID_NOT_ACT = "partner_did_not_act"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            CarryOverReason.SITUATION_CHANGED: _("the situation changed"),
            CarryOverReason.PARTNER_DID_NOT_ACT: _("the partner did not act"),
            CarryOverReason.OTHER: _("other reason"),
        }[self]


# Words a directory file may use for an organisation's kind, folded (see domain.text.fold).
# Checked in order: the first keyword found in the text decides.
_KIND_KEYWORDS: tuple[tuple[str, OrganisationKind], ...] = (
    ("cias", OrganisationKind.CIAS),
    ("ccas", OrganisationKind.CCAS),
    ("ase", OrganisationKind.CD_ASE),
    ("aide sociale a l'enfance", OrganisationKind.CD_ASE),
    ("pmi", OrganisationKind.CD_PMI),
    ("apa", OrganisationKind.CD_APA),
    ("autonomie", OrganisationKind.CD_APA),
    ("mds", OrganisationKind.CD_MDS),
    ("solidarites", OrganisationKind.CD_MDS),
    ("ars", OrganisationKind.ARS),
    ("ddets", OrganisationKind.DDETS),
    ("caf", OrganisationKind.CAF),
    ("cpam", OrganisationKind.CPAM),
    ("msa", OrganisationKind.MSA),
    ("cmp", OrganisationKind.CMP_HOSPITAL),
    ("psychiatrie", OrganisationKind.CMP_HOSPITAL),
    ("psychiatrique", OrganisationKind.CMP_HOSPITAL),
    ("hopital", OrganisationKind.CMP_HOSPITAL),
    ("hospitalier", OrganisationKind.CMP_HOSPITAL),
    ("bailleur", OrganisationKind.SOCIAL_LANDLORD),
    ("habitat", OrganisationKind.SOCIAL_LANDLORD),
    ("hlm", OrganisationKind.SOCIAL_LANDLORD),
    ("police", OrganisationKind.POLICE),
    ("gendarmerie", OrganisationKind.POLICE),
    ("commissariat", OrganisationKind.POLICE),
    ("spip", OrganisationKind.JUSTICE_SPIP),
    ("justice", OrganisationKind.JUSTICE_SPIP),
    ("tribunal", OrganisationKind.JUSTICE_SPIP),
    ("education", OrganisationKind.NATIONAL_EDUCATION),
    ("college", OrganisationKind.NATIONAL_EDUCATION),
    ("lycee", OrganisationKind.NATIONAL_EDUCATION),
    ("ecole", OrganisationKind.NATIONAL_EDUCATION),
    ("dac", OrganisationKind.DAC),
    ("mdph", OrganisationKind.MDPH),
    ("mjpm", OrganisationKind.MJPM),
    ("mandataire", OrganisationKind.MJPM),
    ("tutelle", OrganisationKind.MJPM),
    ("siao", OrganisationKind.SIAO),
    ("115", OrganisationKind.SIAO),
    ("association", OrganisationKind.ASSOCIATION),
    ("commune", OrganisationKind.COMMUNE),
    ("mairie", OrganisationKind.COMMUNE),
    ("ville", OrganisationKind.COMMUNE),
    ("autre", OrganisationKind.OTHER),
)


def kind_from_text(folded: str) -> OrganisationKind | None:
    """The kind a directory's free text names (``folded``: lower case, no accents), if any.

    A code (``cd_ase``) or a word (« Bailleur social », « CCAS », « Gendarmerie ») both work.
    """
    text = folded.strip().replace("’", "'")
    for kind in OrganisationKind:
        if text == kind.value:
            return kind
    words = set(re.findall(r"\w+", text))
    for keyword, kind in _KIND_KEYWORDS:
        if keyword in words or (" " in keyword and keyword in text):
            return kind
    return None


class Relation(StrEnum):
    """How a relative is linked to the person concerned (household members and close ones)."""

    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    HOUSEHOLD = "household"
    NEIGHBOUR = "neighbour"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Relation.SPOUSE: _("spouse or partner"),
            Relation.CHILD: _("child"),
            Relation.PARENT: _("parent"),
            Relation.SIBLING: _("brother or sister"),
            Relation.HOUSEHOLD: _("other member of the household"),
            Relation.NEIGHBOUR: _("neighbour"),
            Relation.OTHER: _("other"),
        }[self]
