"""One set of hostile strings, and an inventory with them in every free-text field.

Names (`Name` fields) and free text (`Text`) admit any printable text, markup
included: only control, line-separator and bidi characters are refused (the
model's one refusal, :data:`REFUSED`). Free text also admits line breaks and
tabs. Every output test (terminal, JSON, SARIF, JUnit, DOT/SVG, CSV/XLSX, site)
runs on this inventory and checks the strings stay inert.
"""

from __future__ import annotations

import json
from pathlib import Path

# Admitted in names: anything printable on one line.
HOSTILE_NAMES = [
    "[click](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "{{ config.__class__ }} {% raw %}",
    '" ] ; node [URL="javascript:alert(2)" label="',
    "} subgraph cluster_x { a -- b; edge [color=red]",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "a | b | c",
    "&lt;script&gt;alert(3)&lt;/script&gt;",
    'back\\slash \\n \\" quote',
    "*bold* _it_ `code` # heading",
    "😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u4e2d\u6587",
    "<script>alert(4)</script>",
    "<img src=x onerror=alert(5)>",
    '<a href="javascript:alert(6)">x</a>',
    "<svg onload=alert(7)>",
    "</title><script>alert(8)</script>",
    "<<TABLE><TR><TD>html-label</TD></TR></TABLE>>",
    # issue 16's name: DOT, HTML-like labels, entities, braces and a backslash at once
    'Evil" ]; x -> y; "z <b>&amp; {} \\ <TABLE>',
    "R&D <prod> -> DWH",
    "'quoted' and \"double\"",
]
# Admitted in free text as well: line breaks and tabs.
HOSTILE_TEXTS = [
    *HOSTILE_NAMES,
    "line one\nline two\n\n| a | b |\n|---|---|\n| c | d |",
    "\ttab=1+1",
]
# Refused everywhere by the loader or the model: they must never reach an output.
REFUSED = ["\x1b[31mred\x1b[0m", "nul\x00byte", "rtl\u202eoverride", "bell\x07"]

MARKERS = ["alert(", "javascript:", "onerror", "evil.example", "HYPERLINK"]


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML flow scalar


def hostile_inventory(directory: Path, index: int = 0) -> Path:
    """A small, valid inventory whose every free-text field holds a hostile string."""
    name = _quote(HOSTILE_NAMES[index % len(HOSTILE_NAMES)])
    text = _quote(HOSTILE_TEXTS[index % len(HOSTILE_TEXTS)])
    texts = [_quote(t) for t in HOSTILE_TEXTS]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "inventory.yaml").write_text(
        f"""\
kind: Organisation
id: lab
name: {name}
country: FR
address: {text}
contact: {{name: {name}, email: dpo@lab.example, phone: {text}}}
dpo: {{name: {name}, email: dpo@lab.example}}
aliases: [{name}]
description: {text}
---
kind: Organisation
id: mail-provider
name: {name}
country: US
address: {text}
representative: {{name: {name}, address: {text}}}
---
kind: DataCategory
id: special-results
name: {name}
parent: lab-results
description: {text}
aliases: [{text}]
---
kind: DataSubject
id: walk-in-patients
name: {name}
vulnerable: true
description: {text}
---
kind: System
id: lis
name: {name}
description: {text}
owner: {name}
operator: lab
country: FR
identifiers: [{text}]
stores:
  - category: special-results
    retention: {{period: P10Y, after: {text}, source: {text}}}
  - category: identity
    retention: P10Y
security:
  encryption_at_rest: true
  authentication: individual
  mfa: true
  internet_exposed: false
  monitoring: true
  alert_escalation: true
  measures: [{", ".join(texts)}]
last_reviewed: {{date: 2026-10-01, by: {name}}}
review_every: P1Y
---
kind: Activity
id: analyses
name: {name}
description: {text}
reference: {text}
business_function: {name}
controller: lab
purposes:
  - purpose: {text}
    legal_basis: legitimate_interests
    legitimate_interests: {text}
  - purpose: {text}
    legal_basis: public_task
    law: {text}
national_id_law: {text}
art9_condition: health_or_social_care
data_subjects: [walk-in-patients]
data_categories: [special-results, identity]
systems: [lis]
retention:
  - category: special-results
    period: P10Y
    after: {text}
    source: {text}
  - category: identity
    period: P10Y
estimated_subjects: 500
dpia: {{reference: {text}, date: 2026-01-01}}
automated_decisions: {text}
source: {text}
last_reviewed: {{date: 2026-10-01, by: {name}}}
review_every: P1Y
---
kind: Flow
id: collect
name: {name}
description: {text}
activity: analyses
from: walk-in-patients
to: lis
data_categories: [special-results, identity]
data_subjects: [walk-in-patients]
encrypted_in_transit: true
---
kind: Flow
id: mail
name: {name}
description: {text}
activity: analyses
from: lis
to: mail-provider
recipient_role: controller
data_categories: [identity]
data_subjects: [walk-in-patients]
encrypted_in_transit: true
transfer: {{mechanism: sccs, reference: {text}}}
---
kind: Waiver
id: accepted
rule: REV-002
entity: System:lis
reason: {text}
approved_by: {name}
expires: 2030-01-01
""",
        encoding="utf-8",
    )
    return directory
