"""The reader's own vocabulary: how the field writes about subjects, designs, outcomes and offers.

The knowledge base defines the things a text can name (cell types, conditions, regulators, products,
registries, red-flag patterns). This module holds the connective words the reader needs to decide what a
sentence does with them: whether it reports a result or states a plan, names people or mice, offers a
booking or reports news. Each entry is a label and the phrases that signal it; phrases are matched as
whole tokens, case-insensitively, by one spaCy PhraseMatcher compiled with the knowledge gazetteers.
"""

from __future__ import annotations

LEXICON: dict[str, tuple[str, ...]] = {
    # Who or what the evidence was gathered in.
    "human_subject": (
        "patient", "patients", "participant", "participants", "subject", "subjects", "volunteer", "volunteers",
        "people", "persons", "adults", "children", "child", "infants", "women", "woman", "men", "man",
        "girl", "boy", "individuals", "humans", "human subjects", "recipients", "survivors",
        "first-in-human", "in humans", "in people", "her", "his", "she", "he",
    ),
    "animal": (
        "mice", "mouse", "murine", "rats", "rat", "rodent", "rodents", "pigs", "pig", "porcine", "swine",
        "monkeys", "monkey", "macaques", "macaque", "macaca", "primates", "primate", "non-human primates",
        "dogs", "dog", "canine", "rabbits", "rabbit", "sheep", "ovine", "horses", "equine", "zebrafish",
        "animal model", "animal models", "animal study", "animal studies", "in animals", "mouse model", "rat model", "large-animal", "animal experiments", "animal testing",
    ),
    # Animal work named only by its stage: counts when the sentence reports its results.
    "preclinical": (
        "preclinical study", "preclinical studies", "preclinical model", "preclinical models", "preclinical data",
        "preclinical results", "preclinical research", "preclinical experiments", "preclinical testing",
        "pre-clinical studies",
    ),
    "in_vitro": (
        "in vitro", "in a dish", "petri dish", "lab dish", "laboratory dish", "organoid", "organoids",
        "cell culture", "cell cultures", "test tube", "in culture", "in a laboratory", "in the laboratory", "in the lab", "laboratory setting", "under a microscope",
    ),
    # Design: comparisons make a controlled trial; the rest describe an uncontrolled one.
    "comparator": (
        "placebo", "sham", "randomized", "randomised", "randomly assigned", "double-blind", "double blind",
        "single-blind", "triple-blind", "controlled trial", "placebo-controlled", "saline-controlled",
        "control group", "control groups", "control arm", "controls", "compared to control", "versus placebo",
        "vs placebo", "compared with placebo", "blank control", "randomization", "randomisation", "historical control",
        "controlled study", "controlled studies", "controlled trials", "control rate", "versus", "compared to",
        "compared with", "as compared to",
    ),
    "design_other": (
        "open-label", "open label", "single-arm", "single arm", "single group", "uncontrolled", "case series",
        "case report", "pilot", "prospective", "retrospective", "dose-escalation", "dose escalation",
        "cohort", "multicenter", "multicentre",
    ),
    "study_ref": (
        "study", "studies", "trial", "trials", "research", "clinical study", "clinical studies",
        "clinical trial", "clinical trials", "paper", "publication", "evidence", "data",
    ),
    # What was measured.
    "endpoint": (
        "hba1c", "glycated hemoglobin", "glycated haemoglobin", "insulin independence", "insulin-independent",
        "insulin-free", "insulin production", "insulin injections", "c-peptide", "hypoglycemic events",
        "hypoglycaemic events", "blood sugar", "insulin resistance", "updrs", "visual acuity", "vision",
        "survival", "overall survival", "mortality", "pain score", "pain scores", "vas", "womac",
        "quality of life", "primary endpoint", "primary end point", "secondary endpoint", "primary outcome",
        "primary outcomes", "secondary outcome", "secondary outcomes", "outcome measures", "outcome measure",
        "efficacy", "ejection fraction", "response rate", "response rates", "overall response", "time to clinical improvement", "remission", "relapse", "mri", "pet",
        "infarct size", "functional outcome", "symptoms", "alsfrs-r", "edss", "six-minute walk",
        "6-minute walk", "lung ct", "clinical improvement", "range of motion", "mobility",
        "cystometry", "histological", "gene expression", "socialization", "communication", "vineland",
        "clinical global impression", "srs-2", "engraftment", "cell survival", "function", "pain relief",
        "knee pain", "back pain", "x-rays", "radiological", "scores", "score", "blindness", "retinas",
        "attention", "vocabulary", "autism symptoms", "pd symptoms", "tumor response",
    ),
    "vague_outcome": (
        "improve", "improved", "improves", "improvement", "heal", "healing", "relief", "results", "repair",
        "regenerate", "regeneration", "restore", "restoring", "recovery", "benefit", "benefits", "rejuvenating",
        "youthful", "relieve", "better", "change your life",
    ),
    "follow_up": ("follow-up", "follow up", "followed up", "followed", "observation period", "post-treatment"),
    "measured": (
        "measured", "assessed", "evaluated", "evaluate", "assess", "monitor", "primary", "secondary",
        "outcome", "outcomes", "endpoint", "end point", "score", "scale", "rated", "at 6 months",
    ),
    # Safety reported as a measured outcome, or harm that happened.
    "safety_measured": (
        "adverse event", "adverse events", "adverse reaction", "adverse reactions", "adverse effects",
        "serious adverse", "safety and tolerability", "safety and efficacy", "efficacy and safety",
        "safety and feasibility", "safety profile", "tolerability", "complications", "toxicity",
        "dose-limiting", "side effects", "blind", "blindness", "detached", "death", "deaths", "died",
        "infections", "infection", "tumors", "tumours", "tumor formation", "neoplastic", "rejection",
        "safety information", "safety study",
    ),
    "safety_vague": ("safe", "safely", "safety", "risk", "risks", "side effect", "harm", "harmful", "well tolerated",
                     "tolerated"),
    # What the text reports: results (evidence) versus plans and promises.
    # What the text reports: a result stated as such ("showed", "were able to", "went blind") …
    "result": (
        "showed", "shown", "shows", "demonstrated", "demonstrates", "improved", "reduced", "achieved",
        "was safe", "were safe", "well tolerated", "no longer needed", "were able to", "was able to",
        "went blind", "was associated", "were associated", "resulted", "resulted in", "revealed", "proved",
        "recovered", "positive results", "was effective", "were effective", "significant improvement",
        "significant improvements", "significantly", "cured", "reversed", "produce their own", "insulin-free",
        "became insulin-free", "had improved", "regained", "improvements", "began to see", "have seen",
        "we have seen", "living proof", "successes", "responded", "walk again", "breathe again", "breath again",
        "see again", "stand again", "were observed", "was observed", "found that", "met the primary endpoint",
        "achieves", "succeeded", "positive response", "became detached", "results from", "the results",
        "reported the results", "outcome was", "were detected", "was detected", "restored",
    ),
    # … or a fact about treatment that is evidence only with people or animals counted and an outcome named.
    "weak_result": (
        "received", "tested", "testing", "transplanted", "included", "enrolled", "completed", "underwent",
        "treated", "have treated", "has treated", "we have treated", "has performed", "have performed",
        "performed", "published", "developed", "obtained", "successfully", "confirmed", "detected", "analyzed",
        "reported", "observed", "found", "experienced", "helped", "became", "results", "response", "utilized",
        "transplants", "conducted",
    ),
    "purpose": (
        "will", "to evaluate", "to assess", "to determine", "to examine", "to test", "to establish",
        "is designed", "designed to", "aims", "aim", "aimed", "purpose", "objective", "hypothesis",
        "planned", "being investigated", "to investigate", "to explore", "to obtain", "to provide",
        "would", "goal", "intended", "seeks", "to compare", "to monitor", "to gather", "underway",
    ),
    "discovery": (
        "discovered", "discovery", "new type of", "new kind of", "have found how", "scientists believe",
        "determined that",
    ),
    "standard_care": (
        "standard of care", "standard therapy", "standard treatment", "standard clinical", "routinely",
        "for decades", "considered standard", "standard use", "routine clinical", "routine care",
    ),
    "approval": (
        "approved", "approval", "approves", "approve", "authorized", "authorised", "authorization",
        "authorisation", "licensed", "license", "licence", "cleared", "clearance", "marketing authorization",
        "marketing authorisation", "conditional approval", "conditionally approved", "time-limited",
        "regulated", "regulates", "regulation", "regulations", "registered", "notified", "permit",
    ),
    "manufacturing_approval": (
        "cell processing facility", "manufacturing approval", "approval on manufacture", "manufacture of",
        "manufacturing license", "processing facility", "manufacturing service",
    ),
    # What the text invites a reader to do.
    "offer": (
        "book", "booking", "appointment", "appointments", "consultation", "consultations", "schedule",
        "call us", "call the office", "call", "price", "prices", "pricing", "cost", "costs", "fee", "fees",
        "package", "packages", "we offer", "we provide", "our clinic", "our clinics", "our center",
        "our treatment", "our treatments", "our stem cell", "our patients", "now available", "available locally",
        "can now receive", "receive treatment", "travel to", "flying to", "destination", "destinations",
        "treatments start", "we treat", "we use", "we have treated", "candidate for", "sessions", "session",
        "procedure", "the procedure", "visit our", "our team", "our physician", "our program", "offering",
        "offers", "treats", "approved for treatment", "top clinics", "hub for", "heading south", "airport",
        "hotel", "treatment protocols", "contact us", "learn more", "sign up", "enroll now", "apply now",
        "is performed", "are performed", "administered", "our office", "we can arrange", "our institute",
        "at our", "clinic", "clinics", "injections", "treatment", "treatments", "therapy",
    ),
    "trial_enrolment": (
        "enrolling", "recruiting", "now recruiting", "enrollment", "enrolment", "eligibility", "eligible",
        "participate", "take part", "join", "sign up for the study",
    ),
    "research_news": (
        "researchers", "scientists", "researcher", "scientist", "published in", "journal", "the study",
        "the team", "the findings", "the research", "press release", "university", "said", "reported",
        "according to", "news", "(reuters)", "reuters", "associated press",
    ),
    # Makers: words that point at one without naming it.
    "maker_generic": (
        "company", "companies", "manufacturer", "lab", "laboratory", "laboratories", "dr.", "doctor",
        "physician", "scientists", "researchers", "team", "clinic", "institute", "dermatologist", "surgeon",
        "provider", "supplier", "facility", "center", "centre", "hospital", "investigators",
    ),
    # Regulatory talk without a named body.
    "oversight_generic": (
        "regulatory", "regulations", "regulation", "regulated", "licensed", "certified", "registered",
        "accredited", "cgmp", "gmp", "guidelines", "oversight", "databases", "approved", "legal", "approval",
        "national and international databases", "ethics committee", "irb",
    ),
    # Unspecific disease words: a gesture at a condition, not a diagnosis.
    "vague_condition": (
        "inflammation", "aging", "ageing", "wellness", "pain", "diseases", "disorders", "conditions",
        "injuries", "injury", "damaged tissue", "wear-and-tear", "degenerative", "chronic illness",
        "scalp disorders", "hair restoration", "autoimmune", "auto-immune", "nerve diseases",
        "neurological", "joint", "joints", "sports injuries", "damage",
    ),
    "routes": (
        "intravenous", "intravenously", "iv", "i.v.", "intrathecal", "intrathecally", "intra-articular",
        "intraarticular", "intravitreal", "intramuscular", "intradiscal", "subcutaneous", "into the putamen",
        "portal vein", "into the joint", "transendocardial", "intracoronary", "intra-arterial",
        "intra-arterially", "intranasal", "inhalation", "aerosol", "topically", "spinal fluid",
        "into the eye", "into their eyes", "into the brain", "subretinal", "into the spine",
        "intralesionally", "into the bladder wall", "infusion", "infused", "injection", "injected",
        "implantation", "transplantation", "drip",
    ),
}

# Number words spaCy's `like_num` accepts, with their values (for "thirty participants").
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
}

# Nouns that, counted, give a sample size of people.
COUNTED_PEOPLE: tuple[str, ...] = (
    "patients", "participants", "subjects", "volunteers", "people", "persons", "adults", "children",
    "infants", "women", "men", "individuals", "cases", "transplants", "recipients", "patient", "participant",
    "subject", "adult", "child", "woman", "man", "girl", "boy", "survivors",
)

TIME_UNITS: tuple[str, ...] = ("day", "days", "week", "weeks", "month", "months", "year", "years", "hours")
