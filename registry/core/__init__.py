"""The bottom layer: positions and YAML loading, vocabulary, the pydantic model, the
inventory with its references resolved, the Art. 28 contract judgement and the Art. 30
record derived from it. Imports nothing else from registry."""
