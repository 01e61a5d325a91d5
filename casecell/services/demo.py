"""Demo data: a realistic, entirely fictitious cell, reproducible from a seed.

Names are drawn at random from lists of common given names and surnames of many origins and
combined at random: nobody in the demo is a real person. Communes are invented. The records
are those of the JSON interchange and go through the same writer as ``casecell import``.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from casecell.compat import UTC
from casecell.domain.cases import CARRIED_OVER, format_reference, new_pseudonym
from casecell.domain.meetings import (
    ITEM_MINUTES,
    Attendance,
    ItemPurpose,
    MeetingKind,
    MeetingStatus,
    monthly_rule,
)
from casecell.domain.nomenclatures import (
    ActionStatus,
    CarryOverReason,
    CaseStatus,
    ConsentStatus,
    LegalBasis,
    OrganisationKind,
    Outcome,
    ProblemArea,
    Relation,
    Urgency,
)
from casecell.domain.persons import nir_key
from casecell.domain.text import fold
from casecell.domain.users import Permission, require
from casecell.errors import ValidationError
from casecell.i18n import _
from casecell.services.context import Context
from casecell.services.interchange import write_register

Progress = Callable[[str, int, int], None]
DEMO_LOGIN = "demo"
DEMO_PASSPHRASE = "démonstration casecell"  # noqa: S105 - documented; fictitious data only
DEMO_CASES = 300
Records = dict[str, list[dict[str, Any]]]

COMMUNES = [
    ("Villebourg-sur-Lys", "59650"),
    ("Saint-Aubin-les-Prés", "59651"),
    ("Montclair-la-Rivière", "59652"),
    ("Hautmont-Fontaine", "59653"),
    ("Granges-d’Avel", "59654"),
]
STREETS = ["Tilleuls", "Écoles", "Moulins", "Acacias"]
FIRST_NAMES = [
    "Marie", "Jeanne", "Françoise", "Monique", "Catherine", "Nathalie", "Isabelle", "Sylvie",
    "Hélène", "Chantal", "Léa", "Chloé", "Manon", "Inès", "Camille", "Zoé", "Louise", "Éléonore",
    "Maëlle", "Océane", "Jean", "Pierre", "Michel", "André", "Philippe", "Alain", "Jacques",
    "Bernard", "Éric", "Thierry", "Lucas", "Hugo", "Théo", "Nathan", "Mathis", "Noé", "Raphaël",
    "Gaëtan", "Jérôme", "Anaïs", "Fatima", "Karim", "Yasmine", "Mohamed", "Aïcha", "Samir",
    "Moussa", "Aminata", "Mamadou", "Fatoumata", "Ibrahima", "João", "Ana", "Tomasz", "Agnieszka",
    "Łucja", "Grzegorz", "Minh", "Thị", "Lan", "Emre", "Ayşe", "Mehmet", "Ion", "Ioana", "Olena",
    "Dmytro", "Svetlana", "Giulia", "Luca", "Nadia", "Rachid", "Khadija",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Benali", "Haddad", "Amrani",
    "Bouzid", "Traoré", "Diallo", "Keïta", "Coulibaly", "Ndiaye", "Diop", "Ferreira", "Da Silva",
    "Pereira", "Kowalski", "Nowak", "Wiśniewska", "Nguyễn", "Trần", "Phạm", "Yılmaz", "Demir",
    "Popescu", "Ionescu", "Kovalenko", "O'Connor", "Rossi", "Esposito",
]  # fmt: skip
SCRIPTED_NAMES = [("Дмитрий", "Иванов"), ("Олена", "Коваленко"), ("ليلى", "حداد")]
SUMMARIES = {
    ProblemArea.HOUSING_HOARDING: [
        "Logement très encombré signalé par le bailleur ; odeurs et risque d’incendie.",
        "Accumulation d’objets, accès aux pièces impossible ; refus des visites.",
    ],
    ProblemArea.MENTAL_HEALTH: [
        "Troubles du comportement, rupture de soins depuis plusieurs mois.",
        "Propos incohérents rapportés par le voisinage ; pas de suivi connu.",
    ],
    ProblemArea.AUTONOMY_ISOLATION: [
        "Personne âgée isolée, chutes répétées, refuse l’aide à domicile.",
        "Perte d’autonomie, plus de sortie depuis l’hiver.",
    ],
    ProblemArea.CHILD_PROTECTION: [
        "Absentéisme scolaire important, famille déjà connue de plusieurs services.",
        "Inquiétudes de l’école sur l’hygiène et l’alimentation des enfants.",
    ],
    ProblemArea.DOMESTIC_VIOLENCE: [
        "Violences conjugales signalées, hébergement d’urgence à envisager.",
        "Interventions de police répétées au domicile.",
    ],
    ProblemArea.ADDICTIONS: ["Consommation d’alcool importante, dettes de loyer."],
    ProblemArea.RIGHTS_PRECARITY: [
        "Droits non ouverts, aucune ressource depuis trois mois.",
        "Expulsion locative programmée, dossier de surendettement à constituer.",
    ],
    ProblemArea.NEIGHBOURHOOD: ["Conflits de voisinage répétés, pétition des voisins."],
    ProblemArea.DISABILITY: ["Handicap non reconnu, dossier MDPH jamais déposé."],
    ProblemArea.LEGAL_PROTECTION: ["Mesure de protection à évaluer, gestion du budget difficile."],
    ProblemArea.OTHER: ["Situation complexe ne relevant d’aucun dispositif unique."],
}
ACTION_TITLES = [
    "Visite à domicile conjointe",
    "Proposer un rendez-vous au CMP",
    "Instruire la demande de RSA",
    "Contacter la famille",
    "Évaluer la mise en place d’aide à domicile",
    "Signalement au procureur à étudier",
    "Déposer un dossier MDPH",
    "Rencontre avec le bailleur",
    "Organiser un débarras",
    "Orienter vers l’association d’aide aux victimes",
]
ORGANISATIONS = [
    (OrganisationKind.CCAS, "CCAS de {commune}", 5),
    (OrganisationKind.COMMUNE, "Mairie de {commune} — service prévention", 2),
    (OrganisationKind.CD_ASE, "Aide sociale à l’enfance — territoire {n}", 2),
    (OrganisationKind.CD_PMI, "PMI — centre {n}", 1),
    (OrganisationKind.CD_APA, "Pôle autonomie — secteur {n}", 1),
    (OrganisationKind.CD_MDS, "Maison des solidarités {commune}", 3),
    (OrganisationKind.ARS, "ARS — délégation départementale", 1),
    (OrganisationKind.DDETS, "DDETS — pôle cohésion sociale", 1),
    (OrganisationKind.CAF, "CAF — accueil {commune}", 1),
    (OrganisationKind.CPAM, "CPAM — service social", 1),
    (OrganisationKind.MSA, "MSA — action sanitaire et sociale", 1),
    (OrganisationKind.CMP_HOSPITAL, "CMP {commune}", 2),
    (OrganisationKind.CMP_HOSPITAL, "Centre hospitalier — psychiatrie secteur {n}", 1),
    (OrganisationKind.SOCIAL_LANDLORD, "Habitat {commune}", 3),
    (OrganisationKind.SOCIAL_LANDLORD, "Logis du Nord {n}", 1),
    (OrganisationKind.POLICE, "Commissariat de {commune}", 2),
    (OrganisationKind.POLICE, "Brigade de gendarmerie {n}", 1),
    (OrganisationKind.JUSTICE_SPIP, "SPIP — antenne {n}", 1),
    (OrganisationKind.NATIONAL_EDUCATION, "Collège {n} — service social scolaire", 2),
    (OrganisationKind.ASSOCIATION, "Association d’aide aux victimes {n}", 1),
    (OrganisationKind.ASSOCIATION, "Association Accueil et Solidarité {n}", 2),
    (OrganisationKind.ASSOCIATION, "Association d’aide à domicile {n}", 2),
    (OrganisationKind.DAC, "DAC — dispositif d’appui {n}", 1),
    (OrganisationKind.MDPH, "MDPH", 1),
    (OrganisationKind.MJPM, "Service mandataire {n}", 1),
    (OrganisationKind.SIAO, "SIAO — 115", 1),
]
FUNCTIONS = [
    "assistante sociale", "conseiller en économie sociale et familiale", "infirmier",
    "psychiatre", "chargée de gestion locative", "cheffe de service", "éducateur spécialisé",
    "référente famille", "officier de police", "conseillère d’insertion",
]  # fmt: skip


MAX_AGENDA = 40
SERIES_RULE = monthly_rule(1, 2, 4)  # 2nd and 4th Tuesday
PERMANENT = (OrganisationKind.CCAS, OrganisationKind.CD_MDS, OrganisationKind.CMP_HOSPITAL)
PARIS = ZoneInfo("Europe/Paris")
ATTENDANCE = [Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.REPRESENTED]
WEIGHTS = [75, 15, 5, 5]
DECISIONS = [
    "Visite à domicile conjointe du CCAS et du CMP sous quinze jours.",
    "Le bailleur suspend la procédure le temps de l’accompagnement.",
    "Proposer une mesure de protection ; le CCAS rencontre la famille.",
    "Orientation vers l’équipe mobile psychiatrie précarité.",
    "Point de situation à la prochaine réunion.",
]


# What the secretary typed during a meeting; {first} is the person's first name, as typed in
# notes (the pseudonymised minutes withhold it).
DISCUSSIONS = [
    "Entretien avec {first} au CCAS : accord pour une visite conjointe. Le voisinage reste "
    "inquiet.",
    "Le bailleur signale une dette de loyer de 1 850 € ; {first} souhaite rester dans le logement.",
    "Le CMP n’a pas pu rencontrer {first} : deux rendez-vous manqués. Relance par courrier.",
    "Situation stable depuis la dernière réunion ; passage de l’infirmière deux fois par semaine.",
    "La famille de {first} s’inquiète ; le médecin traitant est informé et d’accord pour "
    "participer.",
]


def _meeting_moment(day: date, as_of: date) -> str:
    """14:00 Paris time on a meeting day, never later than the start of ``as_of``."""
    moment = datetime.combine(day, time(14), PARIS).astimezone(UTC)
    return min(moment, datetime.combine(as_of, time(0), UTC)).isoformat()


def _at(day: date, rng: random.Random, as_of: date) -> str:
    """A working-hours moment of ``day``, never later than the start of ``as_of``."""
    moment = datetime.combine(day, time(8 + rng.randrange(10), rng.randrange(60)), UTC)
    return min(moment, datetime.combine(as_of, time(0), UTC)).isoformat()


def generate(cases: int, seed: int, as_of: date, progress: Progress | None = None) -> Records:
    """The whole demo register as interchange records; same seed and date → same data."""
    rng = random.Random(seed)  # noqa: S311 - reproducible fictitious data, not secrets
    organisations: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    for kind, pattern, count in ORGANISATIONS:
        for n in range(1, count + 1):
            name, insee = COMMUNES[(n - 1) % len(COMMUNES)]
            org_id = len(organisations) + 1
            organisations.append(
                {
                    "id": org_id,
                    "name": pattern.format(commune=name, n=n),
                    "kind": kind.value,
                    "commune": insee,
                    "address": f"{rng.randrange(1, 120)} rue des {rng.choice(STREETS)}",
                    "email": f"contact{org_id}@exemple.invalid",
                    "phone": "03 20 " + " ".join(str(rng.randrange(10, 99)) for _ in range(3)),
                    "charter_signed_on": None
                    if rng.random() < 0.15
                    else (as_of - timedelta(days=rng.randrange(30, 1500))).isoformat(),
                }
            )
            for _i in range(rng.randrange(1, 4)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                contacts.append(
                    {
                        "id": len(contacts) + 1,
                        "organisation_id": org_id,
                        "name": f"{first} {last}",
                        "function": rng.choice(FUNCTIONS),
                        "email": f"contact{len(contacts) + 1}@exemple.invalid",
                        "phone": "",
                        "bound_by_secrecy": rng.random() < 0.9,
                    }
                )
    by_kind: dict[str, list[int]] = {}
    for org in organisations:
        by_kind.setdefault(org["kind"], []).append(org["id"])
    for org in organisations:  # the core of the cell comes to every plenary meeting
        org["permanent_member"] = org["id"] in {
            by_kind[k.value][0] for k in PERMANENT if k.value in by_kind
        }
    contacts_of: dict[int, list[int]] = {}
    for contact in contacts:
        contacts_of.setdefault(contact["organisation_id"], []).append(contact["id"])

    meeting_days = _meeting_days(as_of)
    referral_days = sorted(as_of - timedelta(days=rng.randrange(0, 3 * 365)) for _ in range(cases))
    persons: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    pseudonyms: set[str] = set()
    numbers: dict[int, int] = {}
    for index, referred in enumerate(referral_days):
        case = _case(
            rng,
            index + 1,
            referred,
            as_of,
            organisations,
            by_kind,
            contacts_of,
            numbers,
            meeting_days,
        )
        person = _person(rng, len(persons) + 1, case, pseudonyms)
        if persons and rng.random() < 0.04:  # someone already known to the cell
            case["person_id"] = rng.choice(persons[-200:])["id"]
        else:
            persons.append(person)
            case["person_id"] = person["id"]
        records.append(case)
        actions.extend(_actions(rng, case, len(actions), as_of, contacts_of))
        if progress is not None and (index + 1) % 5000 == 0:
            progress(_("Generating"), index + 1, cases)
    # Identifiers and relatives come from a stream of their own: the rest stays as it was.
    extra = random.Random(seed + 1)  # noqa: S311 - reproducible fictitious data
    _identify(extra, persons)
    _relate(extra, persons, records, pseudonyms)
    first_names = {p["id"]: p["first_name"] for p in persons}
    meetings = _meetings(
        rng, meeting_days, records, actions, as_of, organisations, contacts_of, first_names
    )
    return {
        "organisations": organisations,
        "contacts": contacts,
        "persons": persons,
        "cases": records,
        "actions": actions,
        "meetings": meetings,
    }


def _meeting_days(as_of: date) -> list[date]:
    """The 2nd and 4th Tuesday of each month, from three years back to six weeks ahead."""
    days = []
    month = date(as_of.year - 3, as_of.month, 1)
    end = as_of + timedelta(days=42)
    while month <= end:
        first_tuesday = month + timedelta(days=(1 - month.weekday()) % 7)
        days += [first_tuesday + timedelta(weeks=1), first_tuesday + timedelta(weeks=3)]
        month = (month + timedelta(days=32)).replace(day=1)
    return [d for d in days if d <= end]


def _meetings(
    rng: random.Random,
    meeting_days: list[date],
    cases: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    as_of: date,
    organisations: list[dict[str, Any]],
    contacts_of: dict[int, list[int]],
    first_names: dict[int, str],
) -> list[dict[str, Any]]:
    """Agendas (first reviews of the day, then follow-ups) with time slots, participants
    (one contact per invited organisation) with attendance and undertakings, decisions."""
    permanent = [o["id"] for o in organisations if o["permanent_member"]]
    series = (
        {"rule": SERIES_RULE, "first_local": f"{meeting_days[0].isoformat()}T14:00"}
        if meeting_days
        else None
    )
    by_first_review: dict[str, list[dict[str, Any]]] = {}
    followed: list[dict[str, Any]] = []
    for case in cases:
        if case["first_review_on"]:
            by_first_review.setdefault(case["first_review_on"], []).append(case)
            if case["status"] in (CaseStatus.MONITORING.value, CaseStatus.IN_REVIEW.value):
                followed.append(case)
    actions_of: dict[int, list[dict[str, Any]]] = {}
    for action in actions:
        actions_of.setdefault(action["case_id"], []).append(action)
    meetings: list[dict[str, Any]] = []
    for number, day in enumerate(meeting_days, start=1):
        held = day <= as_of
        new = by_first_review.get(day.isoformat(), [])[:MAX_AGENDA]
        earlier = [c for c in followed if c["first_review_on"] < day.isoformat()]
        review = rng.sample(
            earlier, k=min(len(earlier), rng.randrange(2, 6), MAX_AGENDA - len(new))
        )
        items = [(c, ItemPurpose.NEW_REFERRAL) for c in new] + [
            (c, ItemPurpose.REVIEW) for c in review
        ]
        starts = datetime.combine(day, time(14), PARIS)
        invited = sorted(set(permanent) | {o for c, _p in items for o in c["participant_org_ids"]})
        participants = []
        for org_id in invited:
            status = rng.choices(ATTENDANCE, WEIGHTS)[0] if held else None
            participants.append(
                {
                    "organisation_id": org_id,
                    "contact_id": rng.choice(contacts_of[org_id])
                    if org_id in contacts_of
                    else None,
                    "name": "",
                    "observer": False,
                    "attendance": status.value if status else None,
                    "information_sent": held
                    and status is Attendance.EXCUSED
                    and rng.random() < 0.7,
                    "represented_by": "Un ou une collègue du service"
                    if status is Attendance.REPRESENTED
                    else "",
                    "undertaking_signed": held and status is not Attendance.ABSENT,
                }
            )
        typed = random.Random(number)  # noqa: S311 - fictitious notes, apart from the rest
        meetings.append(
            {
                "id": number,
                "starts_at": starts.isoformat(),
                "duration_minutes": 120,
                "place": "Salle du conseil, mairie de Villebourg-sur-Lys",
                "kind": MeetingKind.PLENARY.value,
                "status": (MeetingStatus.HELD if held else MeetingStatus.PLANNED).value,
                "title": "Cellule de cas complexes — réunion plénière",
                "video_link": "",
                "chair_contact_id": contacts_of[permanent[0]][0]
                if permanent and permanent[0] in contacts_of
                else None,
                "secretary_contact_id": None,
                "series": series,
                "items": [
                    {
                        "case_id": c["id"],
                        "position": i,
                        "purpose": purpose.value,
                        "slot_minutes": ITEM_MINUTES[purpose],
                        "notes": typed.choice(DISCUSSIONS).format(
                            first=first_names.get(c["person_id"], "")
                        )
                        if held
                        else "",
                        "decisions": typed.choice(DECISIONS) if held else "",
                    }
                    for i, (c, purpose) in enumerate(items, start=1)
                ],
                "participants": participants,
            }
        )
        if not held:
            continue
        at = _meeting_moment(day, as_of)
        for case, purpose in items:
            case["timeline"].append(
                {"at": at, "author": "Démo", "kind": "meeting_review", "code": "", "text": ""}
            )
            if purpose is ItemPurpose.NEW_REFERRAL:
                case["timeline"].append(
                    {"at": at, "author": "Démo", "kind": "decision", "code": "",
                     "text": rng.choice(DECISIONS)}
                )  # fmt: skip
                for action in actions_of.get(case["id"], []):
                    action["meeting_id"] = number
            case["timeline"].sort(key=lambda e: e["at"])
    return meetings


def _person(
    rng: random.Random, person_id: int, case: dict[str, Any], taken: set[str]
) -> dict[str, Any]:
    if rng.random() < 0.01:
        first, last = rng.choice(SCRIPTED_NAMES)
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    child = ProblemArea.CHILD_PROTECTION.value in case["problem_areas"]
    year = rng.randrange(2009, 2022) if child else rng.randrange(1930, 2004)
    birth = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    pseudonym = new_pseudonym(rng.choice)
    while pseudonym in taken:
        pseudonym = new_pseudonym(rng.choice)
    taken.add(pseudonym)
    full_date = rng.random() < 0.6
    return {
        "id": person_id,
        "pseudonym": pseudonym,
        "first_name": first,
        "last_name": last,
        "birth_date": birth.isoformat() if full_date else None,
        "birth_year": birth.year,
        "commune": rng.choice(COMMUNES)[1],
    }


def _identify(rng: random.Random, persons: list[dict[str, Any]]) -> None:
    """Fictitious identifiers: phones in the 01 99 00 range kept for fiction, e-mails at
    exemple.invalid, and NIRs with a valid key but an impossible birthplace (99 then 9xx: no
    country has such a code)."""
    for person in persons:
        n = person["id"]
        if rng.random() < 0.7:
            person["address"] = f"{rng.randrange(1, 120)} rue des {rng.choice(STREETS)}"
            person["postcode"] = "99" + person["commune"][2:]  # no such postcode
        if rng.random() < 0.6:
            person["phone"] = f"01 99 00 {n // 100 % 100:02d} {n % 100:02d}"
        if rng.random() < 0.3:
            name = "".join(ch for ch in fold(person["first_name"]) if ch.isascii() and ch.isalpha())
            person["email"] = f"{name or 'contact'}.{n}@exemple.invalid"
        if rng.random() < 0.4:
            born = person["birth_date"]
            month = born[5:7] if born else "20"  # 20: month unknown
            body = (
                f"{rng.choice('12')}{person['birth_year'] % 100:02d}{month}"
                f"99{900 + n // 1000 % 100:03d}{n % 1000:03d}"
            )
            person["nir"] = f"{body}{nir_key(body):02d}"


def _relate(
    rng: random.Random,
    persons: list[dict[str, Any]],
    records: list[dict[str, Any]],
    taken: set[str],
) -> None:
    """A quarter of the situations name one or two relatives (persons of their own)."""
    born = {p["id"]: p["birth_year"] for p in persons}
    last = {p["id"]: p["last_name"] for p in persons}
    for case in records:
        case["relatives"] = []
        if rng.random() >= 0.25:
            continue
        for _i in range(1 + (rng.random() < 0.3)):
            relation = rng.choice(list(Relation))
            year = born[case["person_id"]] + {
                Relation.CHILD: 28, Relation.PARENT: -27, Relation.SIBLING: 3,
            }.get(relation, rng.randrange(-10, 10))  # fmt: skip
            family = relation in (Relation.CHILD, Relation.PARENT, Relation.SIBLING)
            pseudonym = new_pseudonym(rng.choice)
            while pseudonym in taken:
                pseudonym = new_pseudonym(rng.choice)
            taken.add(pseudonym)
            relative = {
                "id": len(persons) + 1,
                "pseudonym": pseudonym,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": last[case["person_id"]] if family else rng.choice(LAST_NAMES),
                "birth_date": None,
                "birth_year": min(max(year, 1920), 2024),
            }
            persons.append(relative)
            case["relatives"].append({"person_id": relative["id"], "relation": relation.value})


def _case(
    rng: random.Random,
    case_id: int,
    referred: date,
    as_of: date,
    organisations: list[dict[str, Any]],
    by_kind: dict[str, list[int]],
    contacts_of: dict[int, list[int]],
    numbers: dict[int, int],
    meeting_days: list[date],
) -> dict[str, Any]:
    areas = rng.sample(list(ProblemArea), k=1 + (rng.random() < 0.45) + (rng.random() < 0.1))
    areas.sort(key=list(ProblemArea).index)
    referrer = rng.choice(organisations)["id"]
    lead = rng.choice(by_kind["ccas"] + by_kind["cd_mds"])
    participants = sorted(
        {lead, *rng.sample(range(1, len(organisations) + 1), k=rng.randrange(1, 5))}
    )
    numbers[referred.year] = numbers.get(referred.year, 0) + 1
    basis, consent = LegalBasis.CONSENT, ConsentStatus.AGREED
    roll = rng.random()
    if ProblemArea.CHILD_PROTECTION in areas and roll < 0.5:
        basis, consent = LegalBasis.CASF_L226_2_2, rng.choice(list(ConsentStatus)[:3])
    elif roll < 0.08:
        consent = ConsentStatus.REFUSED
    elif roll < 0.14:
        basis = LegalBasis.CASF_L121_6_2
    elif roll < 0.18:
        basis, consent = LegalBasis.CSP_L1110_4, ConsentStatus.NOT_POSSIBLE
    age = (as_of - referred).days
    status, dates = _walk(
        rng,
        referred,
        as_of,
        age,
        meeting_days,
        allowed=basis is not LegalBasis.CONSENT or consent is ConsentStatus.AGREED,
    )
    if status in (CaseStatus.RECEIVED, CaseStatus.ELIGIBILITY) and rng.random() < 0.3:
        consent = ConsentStatus.NOT_ASKED if basis is LegalBasis.CONSENT else consent
    outcome = rng.choice(list(Outcome)) if status is CaseStatus.CLOSED else None
    timeline = [
        {
            "at": _at(referred, rng, as_of),
            "author": "Démo",
            "kind": "created",
            "code": "",
            "text": "",
        }
    ]
    for target, day in dates:
        code = target.value if target is not CaseStatus.CLOSED else f"{target.value}:{outcome}"
        # A first review is decided at the meeting (14:00, Paris time) that day.
        moment = _meeting_moment(day, as_of) if target is CaseStatus.IN_REVIEW else None
        timeline.append(
            {
                "at": moment or _at(day, rng, as_of),
                "author": "Démo",
                "kind": "status",
                "code": code,
                "text": "",
            }
        )
    reviewing = status in (CaseStatus.IN_REVIEW, CaseStatus.MONITORING)
    return {
        "id": case_id,
        "reference": format_reference(referred.year, numbers[referred.year]),
        "person_id": 0,
        "referred_on": referred.isoformat(),
        "referrer_org_id": referrer,
        "referrer_contact_id": rng.choice(contacts_of[referrer]) if rng.random() < 0.7 else None,
        "problem_areas": [a.value for a in areas],
        "urgency": rng.choices(list(Urgency), weights=(70, 22, 8))[0].value,
        "summary": rng.choice(SUMMARIES[areas[0]]),
        "tried_before": "Accompagnement de droit commun sans effet." if rng.random() < 0.5 else "",
        "person_wishes": "Souhaite rester à domicile." if rng.random() < 0.4 else "",
        "legal_basis": basis.value,
        "consent": consent.value,
        "consent_on": referred.isoformat()
        if consent in (ConsentStatus.AGREED, ConsentStatus.REFUSED)
        else None,
        "consent_by": "Travailleur social référent"
        if consent is not ConsentStatus.NOT_ASKED
        else "",
        "consent_not_possible_reason": "Personne injoignable"
        if consent is ConsentStatus.NOT_POSSIBLE
        else "",
        "lead_org_id": lead,
        "participant_org_ids": participants,
        "next_review_on": (as_of + timedelta(days=rng.randrange(-20, 60))).isoformat()
        if reviewing
        else None,
        "status": status.value,
        "eligibility_decided_on": _first(dates, CaseStatus.ACCEPTED, CaseStatus.DECLINED),
        "first_review_on": _first(dates, CaseStatus.IN_REVIEW),
        "decline_reason": "Relève de l’accompagnement de droit commun"
        if status is CaseStatus.DECLINED
        else "",
        "redirected_to": "Maison des solidarités du secteur"
        if status is CaseStatus.DECLINED
        else "",
        "closed_on": _first(dates, CaseStatus.CLOSED),
        "outcome": outcome.value if outcome else None,
        "timeline": timeline,
    }


def _first(dates: list[tuple[CaseStatus, date]], *targets: CaseStatus) -> str | None:
    return next((d.isoformat() for s, d in dates if s in targets), None)


def _walk(
    rng: random.Random,
    referred: date,
    as_of: date,
    age: int,
    meeting_days: list[date],
    *,
    allowed: bool,
) -> tuple[CaseStatus, list[tuple[CaseStatus, date]]]:
    """A plausible path through the workflow, each step dated, none after ``as_of``; the
    first review happens at a meeting of the cell."""
    steps: list[tuple[CaseStatus, date]] = []
    day = referred

    def step(target: CaseStatus, low: int, high: int) -> bool:
        nonlocal day
        nxt = day + timedelta(days=rng.randrange(low, high))
        if target is CaseStatus.IN_REVIEW:
            index = bisect.bisect_left(meeting_days, nxt)
            nxt = meeting_days[index] if index < len(meeting_days) else as_of + timedelta(1)
        if nxt > as_of:
            return False
        day = nxt
        steps.append((target, day))
        return True

    if age < 3 or not step(CaseStatus.ELIGIBILITY, 0, 4):
        return CaseStatus.RECEIVED, steps
    if rng.random() < 0.12 or not allowed:
        if step(CaseStatus.DECLINED, 2, 20):
            return CaseStatus.DECLINED, steps
        return CaseStatus.ELIGIBILITY, steps
    if not step(CaseStatus.ACCEPTED, 2, 20):
        return CaseStatus.ELIGIBILITY, steps
    if not step(CaseStatus.IN_REVIEW, 5, 40):
        return CaseStatus.ACCEPTED, steps
    if rng.random() < 0.75 and step(CaseStatus.MONITORING, 20, 120):
        if rng.random() < (0.85 if age > 400 else 0.5) and step(CaseStatus.CLOSED, 30, 300):
            return CaseStatus.CLOSED, steps
        return CaseStatus.MONITORING, steps
    if rng.random() < 0.3 and step(CaseStatus.CLOSED, 30, 200):
        return CaseStatus.CLOSED, steps
    return CaseStatus.IN_REVIEW, steps


def _actions(
    rng: random.Random,
    case: dict[str, Any],
    last_id: int,
    as_of: date,
    contacts_of: dict[int, list[int]],
) -> list[dict[str, Any]]:
    if case["first_review_on"] is None:
        return []
    start = date.fromisoformat(case["first_review_on"])
    end = date.fromisoformat(case["closed_on"]) if case["closed_on"] else as_of
    made = []
    for n in range(rng.randrange(1, 5)):
        owner = rng.choice(case["participant_org_ids"])
        due = start + timedelta(days=rng.randrange(10, 90))
        status, done_on, carried = ActionStatus.TODO, None, None
        if due <= end or case["status"] == CaseStatus.CLOSED.value:
            roll = rng.random()
            if roll < 0.7:
                status = ActionStatus.DONE
                done_on = min(due + timedelta(days=rng.randrange(-20, 25)), end, as_of)
                done_on = max(done_on, start)
            elif roll < 0.8:
                status = ActionStatus.DROPPED
            elif rng.random() < 0.5:
                status = ActionStatus.DOING
        if status.open and rng.random() < 0.3:
            carried = rng.choice(list(CarryOverReason))
        made.append(
            {
                "id": last_id + n + 1,
                "case_id": case["id"],
                "title": rng.choice(ACTION_TITLES),
                "owner_org_id": owner,
                "owner_contact_id": rng.choice(contacts_of[owner]) if rng.random() < 0.5 else None,
                "due_on": due.isoformat(),
                "done_on": done_on.isoformat() if done_on else None,
                "status": status.value,
                "meeting_id": None,
                "carried_over": carried.value if carried else None,
                "created_at": _meeting_moment(start, as_of),  # decided at the first review
            }
        )
        case["timeline"].append(
            {
                "at": _meeting_moment(start, as_of),
                "author": "Démo",
                "kind": "action_added",
                "code": "",
                "text": made[-1]["title"],
            }
        )
        if carried is not None:
            case["timeline"].append(
                {
                    "at": _at(min(due, as_of), rng, as_of),
                    "author": "Démo",
                    "kind": "action_updated",
                    "code": f"{CARRIED_OVER}:{carried.value}",
                    "text": made[-1]["title"],
                }
            )
    case["timeline"].sort(key=lambda e: e["at"])
    return made


def fill(
    ctx: Context, cases: int, seed: int, as_of: date, progress: Progress | None = None
) -> dict[str, int]:
    """Fill an empty vault with ``cases`` fictitious situations."""
    require(ctx.user, Permission.IMPORT)
    if not 1 <= cases <= 1_000_000:
        raise ValidationError(_("The number of situations must be between 1 and 1,000,000."))
    data = generate(cases, seed, as_of, progress)
    return write_register(ctx, data, progress)
