"""What code and infrastructure reveal about recipients and data locations (`ropa discover`).

A repository says which services receive personal data long before its register does:
the SDK a developer adds (its dependency manifest), the API host in its configuration,
the bucket in its Terraform, or another scanner's report. This layer finds them, with
the file:line that introduced each, and reconciles them with the register's
organisations and systems: a service no organisation documents, or a store whose
region or encryption contradicts its system, is a finding.

It sits above ``registry.evidence`` (whose identifier matching it shares) and below
``registry.pipeline``, which runs it when ``ropa.yaml`` has a ``discover:`` section.
"""
