"""The verbs and activity types Taawun's statements use (see docs/xapi-profile.md)."""

from __future__ import annotations

ADL = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_STREAMS = "http://activitystrea.ms/schema/1.0/"
TINCAN_REGISTRY = "http://id.tincanapi.com/verb/"
#: Taawun's own profile, for acts no public vocabulary names (accreditation, certification...).
TAAWUN = "https://w3id.org/xapi/taawun/verbs/"

#: key -> (IRI, display name per language). Add new verbs here, nowhere else.
VERBS: dict[str, tuple[str, dict[str, str]]] = {
    "launched": (ADL + "launched", {"en": "launched", "fr": "a lancé", "ar": "أطلق"}),
    "initialized": (ADL + "initialized", {"en": "initialized", "fr": "a commencé", "ar": "بدأ"}),
    "terminated": (ADL + "terminated", {"en": "terminated", "fr": "a terminé", "ar": "أنهى"}),
    "experienced": (ADL + "experienced", {"en": "experienced", "fr": "a lu", "ar": "اطّلع على"}),
    "answered": (ADL + "answered", {"en": "answered", "fr": "a répondu à", "ar": "أجاب عن"}),
    "passed": (ADL + "passed", {"en": "passed", "fr": "a réussi", "ar": "نجح في"}),
    "failed": (ADL + "failed", {"en": "failed", "fr": "a échoué à", "ar": "لم ينجح في"}),
    "progressed": (
        ADL + "progressed",
        {"en": "progressed", "fr": "a progressé dans", "ar": "تقدّم في"},
    ),
    "completed": (ADL + "completed", {"en": "completed", "fr": "a achevé", "ar": "أكمل"}),
    "attended": (ADL + "attended", {"en": "attended", "fr": "a assisté à", "ar": "حضر"}),
    "registered": (
        ADL + "registered",
        {"en": "registered", "fr": "s'est inscrit à", "ar": "سجّل في"},
    ),
    "responded": (ADL + "responded", {"en": "responded", "fr": "a répondu", "ar": "ردّ"}),
    "commented": (ADL + "commented", {"en": "commented", "fr": "a commenté", "ar": "علّق على"}),
    "voided": (ADL + "voided", {"en": "voided", "fr": "a annulé", "ar": "ألغى"}),
    "joined": (ACTIVITY_STREAMS + "join", {"en": "joined", "fr": "a rejoint", "ar": "انضمّ إلى"}),
    "left": (ACTIVITY_STREAMS + "leave", {"en": "left", "fr": "a quitté", "ar": "غادر"}),
    "created": (ACTIVITY_STREAMS + "create", {"en": "created", "fr": "a créé", "ar": "أنشأ"}),
    "submitted": (ACTIVITY_STREAMS + "submit", {"en": "submitted", "fr": "a soumis", "ar": "قدّم"}),
    "accepted": (ACTIVITY_STREAMS + "accept", {"en": "accepted", "fr": "a accepté", "ar": "قبِل"}),
    "rejected": (ACTIVITY_STREAMS + "reject", {"en": "rejected", "fr": "a refusé", "ar": "رفض"}),
    "cancelled": (ACTIVITY_STREAMS + "cancel", {"en": "cancelled", "fr": "a annulé", "ar": "ألغى"}),
    "earned": (TINCAN_REGISTRY + "earned", {"en": "earned", "fr": "a obtenu", "ar": "حصل على"}),
    "reviewed": (TINCAN_REGISTRY + "reviewed", {"en": "reviewed", "fr": "a évalué", "ar": "قيّم"}),
    "published": (TAAWUN + "published", {"en": "published", "fr": "a publié", "ar": "نشر"}),
    "accredited": (TAAWUN + "accredited", {"en": "accredited", "fr": "a accrédité", "ar": "اعتمد"}),
    "unaccredited": (
        TAAWUN + "unaccredited",
        {
            "en": "withdrew the accreditation of",
            "fr": "a retiré l'accréditation de",
            "ar": "سحب اعتماد",
        },
    ),
    "certified": (TAAWUN + "certified", {"en": "certified", "fr": "a certifié", "ar": "منح شهادة"}),
    "revoked": (TAAWUN + "revoked", {"en": "revoked", "fr": "a révoqué", "ar": "ألغى"}),
    "coached": (TAAWUN + "coached", {"en": "coached", "fr": "a accompagné", "ar": "واكب"}),
    "ordered": (TAAWUN + "ordered", {"en": "ordered", "fr": "a commandé", "ar": "طلب"}),
    "shipped": (TAAWUN + "shipped", {"en": "shipped", "fr": "a expédié", "ar": "شحن"}),
    "delivered": (TAAWUN + "delivered", {"en": "delivered", "fr": "a livré", "ar": "سلّم"}),
    "transitioned": (
        TAAWUN + "transitioned",
        {"en": "moved to a new state", "fr": "a changé l'état de", "ar": "غيّر حالة"},
    ),
    "requested-changes": (
        TAAWUN + "requested-changes",
        {
            "en": "requested changes to",
            "fr": "a demandé des changements à",
            "ar": "طلب تعديلات على",
        },
    ),
    "qualified": (TAAWUN + "qualified", {"en": "qualified", "fr": "a retenu", "ar": "أهّل"}),
    "incubated": (TAAWUN + "incubated", {"en": "incubated", "fr": "a incubé", "ar": "احتضن"}),
}

ACTIVITY = "http://adlnet.gov/expapi/activities/"
#: key -> activity type IRI.
ACTIVITY_TYPES: dict[str, str] = {
    "course": ACTIVITY + "course",
    "module": ACTIVITY + "module",
    "lesson": ACTIVITY + "lesson",
    "assessment": ACTIVITY + "assessment",
    "interaction": ACTIVITY + "cmi.interaction",
    "meeting": ACTIVITY + "meeting",
    "activity": "http://id.tincanapi.com/activitytype/exercise",
    "cohort": "http://id.tincanapi.com/activitytype/group",
    "certificate": "https://w3id.org/xapi/taawun/activities/certificate",
    "accreditation": "https://w3id.org/xapi/taawun/activities/accreditation",
    "coaching-session": "https://w3id.org/xapi/taawun/activities/coaching-session",
    "project": "https://w3id.org/xapi/taawun/activities/project",
    "product": "https://w3id.org/xapi/taawun/activities/product",
    "order": "https://w3id.org/xapi/taawun/activities/order",
    "cooperative": "https://w3id.org/xapi/taawun/activities/cooperative",
    "diagnosis": "https://w3id.org/xapi/taawun/activities/diagnosis",
    "plan-action": "https://w3id.org/xapi/taawun/activities/plan-action",
}

EXTENSIONS = {
    "progress": "https://w3id.org/xapi/cmi5/result/extensions/progress",
    "state": "https://w3id.org/xapi/taawun/extensions/state",
    "reason": "https://w3id.org/xapi/taawun/extensions/reason",
    "quantity": "https://w3id.org/xapi/taawun/extensions/quantity",
    "trainer": "https://w3id.org/xapi/taawun/extensions/trainer",
    "learner": "https://w3id.org/xapi/taawun/extensions/learner",
    "missing-criteria": "https://w3id.org/xapi/taawun/extensions/missing-criteria",
    "cooperative": "https://w3id.org/xapi/taawun/extensions/cooperative",
    "axis-scores": "https://w3id.org/xapi/taawun/extensions/axis-scores",
    "month": "https://w3id.org/xapi/taawun/extensions/month",
}

PLATFORM = "Taawun"
