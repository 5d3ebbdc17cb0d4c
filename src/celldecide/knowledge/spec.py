"""Identifiers fixed by the reading contract (`spec/reading.md`).

They are repeated here once, as plain constants, so that the knowledge checks and the reader can refuse a
knowledge base that lacks one. A meta-test compares them with the contract text itself.
"""

from __future__ import annotations

STAGE_IDS: tuple[str, ...] = (
    "discovery",
    "lab_model",
    "early_human",
    "defined_product",
    "controlled_trial",
    "regulator_review",
    "standard_use",
)

CHECKLIST_IDS: tuple[str, ...] = (
    "product",
    "disease",
    "species",
    "design",
    "endpoint",
    "safety",
    "maker",
    "oversight",
    "availability",
)

LAYER_IDS: tuple[str, ...] = (
    "cell_source",
    "manufacturing",
    "disease",
    "dose_route",
    "endpoint",
    "oversight",
)

RED_FLAG_IDS: tuple[str, ...] = (
    "cure_all",
    "wellness_iv",
    "unapproved_exosomes",
    "international_use",
    "lab_credential",
    "authority_halo",
    "borrowed_science",
    "testimonial_evidence",
    "no_risk_claim",
    "guaranteed_outcome",
    "pay_to_participate",
    "sales_pressure",
    "regulatory_loophole",
    "hype_language",
    "animal_leap",
    "vague_cell_source",
)

CELL_TYPE_IDS: tuple[str, ...] = (
    "msc",
    "hsc",
    "cord_blood",
    "bmac",
    "prp",
    "svf_adipose",
    "exosome",
    "ipsc_derived",
    "esc_derived",
    "car_t",
    "treg",
    "nk",
    "chondrocyte",
    "rpe",
    "islet",
    "dopaminergic",
    "keratinocyte",
    "limbal",
    "cardiomyocyte",
    "unspecified_stem_cell",
)

REGULATOR_IDS: tuple[str, ...] = (
    "fda",
    "ema",
    "pmda",
    "mfds",
    "nmpa",
    "thai_fda",
    "cofepris",
    "minsa",
    "mhra",
    "health_canada",
    "tga",
    "anvisa",
    "cdsco",
)

SPECIES = ("human", "animal", "in_vitro")
PHASES = ("early_1", "1", "1/2", "2", "2/3", "3", "4")
KINDS = ("clinic_claim", "headline", "trial_record", "paper", "unknown")
AUTHORIZATION_MATCHES = ("matches", "none_found", "not_applicable")
