"""Everything a person or a tool reads: check reports, diagrams, `ropa diff`, trace and
impact text, the exports and the MkDocs site. Outputs read the pipeline's result and
the record; they never compute what the register says."""
