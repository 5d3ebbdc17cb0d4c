"""Whole-text cues: phrases that tell what kind of text this is, where care is offered, how cells are made.

They are the reader's own grammar (like `celldecide.reader.lexicon`), written as regular expressions over the
lower-cased matching view. `CUES` lists them by name; the compiled knowledge gates them together with the
red-flag rules, so one scan of a text finds where any of them can match.
"""

from __future__ import annotations

import re

_NEWS_WORDS = (r"researchers|scientists|said|says|according to|published (?:in|last|on)|the journal|"
               r"\(reuters\)|reuters|newswire|university|the study|the team|a team|announced|press release|"
               r"professor|the findings|experts|nasdaq|premarket|shares|investors|the company|reported|"
               r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|lead researcher|in a statement")
# "the US Food and Drug Administration approved": an agency named within a few words after "the", then its decision.
_AGENCY = r"(?:fda|administration|agency|ema|ministry|commission)"
_DECISION = (r"\s+(?:has |(?:on|this|last) \w+\s+)?(?:approved|cleared|granted|authori[sz]ed)"
             r"(?! ?\?| ?(?:lab|facilit))")
_NEWS_APPROVAL = rf"the (?:[\w.]+ ){{0,5}}?{_AGENCY}{_DECISION}"
_NEWS_DATE = (r"(?:january|february|march|april|june|july|august|september|october|november|december|"
              r"jan|feb|aug|sept?|oct|nov|dec)\.? \d{1,2}, \d{4}")
NEWS = re.compile(rf"\b(?:{_NEWS_WORDS}|{_NEWS_APPROVAL}|{_NEWS_DATE})\b")
# NEWS tries its approval alternative at every "the", reading up to six words on. That alternative needs an
# agency starting a word, then a decision: where `AGENCY_DECISION` finds none in a text, no "the" can start
# one, and NEWS_WITHOUT_APPROVAL, the other alternatives in the same order, finds exactly what NEWS finds.
AGENCY_DECISION = re.compile(rf"\b{_AGENCY}{_DECISION}")
NEWS_WITHOUT_APPROVAL = re.compile(rf"\b(?:{_NEWS_WORDS}|{_NEWS_DATE})\b")

OFFER = re.compile(r"\b(?:book|appointment|consultations?|our (?:clinic|patients|treatments?|team|stem cells?|office|"
                    r"program|physicians?|center|centre|institute|doctors|therapy|therapies|facility|protocols?|"
                    r"lab|laboratory|multinational|medical staff)|we (?:offer|provide|treat|use|have treated|can arrange|"
                    r"follow up|are committed|meet|usually|do|recommend|perform)|call (?:us|the office|now|today)|"
                    r"costs?|prices?|payment|financing|packages?|treatments? start|available (?:locally|now|at)|"
                    r"travel(?:ing)? to|flying to|destination|you will|your (?:body|own|doctor|condition|health|pain|"
                    r"system|safety|arrival|procedure|treatment|hair|skin|knee))\b")

RESEARCH_NOUNS = re.compile(r"\b(?:trials?|study|studies|research|experiments?|scientists?|researchers?|"
                             r"investigators|findings|phd|co\.,? ?ltd|receives|obtained|obtains|has undergone|"
                             r"was treated|has met|achieves|achieved)\b")

FIRST_PERSON_SELLER = re.compile(r"\bour (?:[a-z-]+ )?(?:treatments?|therapy|therapies|protocols?|procedures?|clinics?|"
                                  r"patients|services|programs?|products?|cells|stem cells|doctors|team)\b")

SECOND_PERSON = re.compile(r"\b(?:you|your)\b")

TRIAL_PURPOSE = re.compile(r"\b(?:the (?:primary )?(?:purpose|aim|goal|objective) of (?:this|the) (?:study|trial)|"
                            r"this (?:clinical )?(?:study|trial) (?:is|will|aims|evaluates|is designed)|"
                            r"(?:study|trial) to (?:determine|assess|evaluate)|subjects will|participants will)\b")

PAPER_VOICE = re.compile(r"\b(?:we (?:assessed|evaluated|conducted|identified|analy[sz]ed|investigated|report|"
                          r"previously reported|compared|found|performed|reviewed|describe)|our study|in this (?:review|"
                          r"study|paper)|systematic review|meta-analysis|were screened|were included)\b")

ACCESS = re.compile(
    r"\b(?:book\w*|appointments?|consultations?|schedule|call (?:us|the office|now|today)|prices?|pricing|costs?|"
    r"fees?|packages?|financing|payment|we offer|we provide|we treat|our clinics?|our (?:center|centre|institute|"
    r"office)|now available|available (?:locally|now|at|in)|can now receive|receive (?:treatment|therapy)|"
    r"travel(?:ing|led)? to|flying to|heading (?:south|to)|destinations?|candidates? for|approved for treatment|"
    r"top clinics|hub for|airport|hotel|contact us|apply|eligib\w+|enrol\w*|recruit\w*|your arrival|"
    r"upon (?:your )?arrival|you will be|pathway to access|access to|at (?:reputable|licensed|our)|"
    r"(?:legal|offered|available|performed|treated|treatment|therapy|clinics?) in (?:japan|mexico|panama|colombia|"
    r"costa rica|the bahamas|cayman\w*|thailand|india|china|korea|germany|ukraine|russia|dubai|turkey|tijuana|"
    r"cancun|guadalajara)|trust of (?:over |more than )?\d|treats|offices? in|performed [\w -]{0,40}"
    r"on (?:over |close to |more than )?\d)\b"
)

STANDARD_CARE = re.compile(r"\b(?:for|over|after) (?:roughly |about |over |more than |nearly )?(?:\d+|two|three|four|"
                            r"five|several|many) decades\b|\b(?:used|performed|done) (?:\w+ ){0,4}for (?:roughly |about |"
                            r"over |more than |nearly )?\d{2,} years\b")

MANUFACTURING = re.compile(
    r"\b(?:manufactur\w+|expanded|cultured|culture|processed|passage\w*|cgmp|gmp|cryopreserved|frozen|purified|"
    r"isolat\w+|centrifug\w+|concentrat\w+)\b"
)

CUES: dict[str, re.Pattern[str]] = {
    "offer": OFFER,
    "news": NEWS,
    "news_without_approval": NEWS_WITHOUT_APPROVAL,
    "agency_decision": AGENCY_DECISION,
    "research": RESEARCH_NOUNS,
    "second": SECOND_PERSON,
    "seller": FIRST_PERSON_SELLER,
    "purpose": TRIAL_PURPOSE,
    "voice": PAPER_VOICE,
    "access": ACCESS,
    "manufacturing": MANUFACTURING,
    "standard_care": STANDARD_CARE,
}
