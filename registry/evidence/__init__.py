"""Evidence of real data movements (OpenLineage events, connection logs) and its
reconciliation with the declared flows: undocumented flows and systems, coverage."""
