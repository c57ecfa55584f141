"""The register as a graph (networkx): routes a data category takes (`trace`) and what a
breach of one system exposes (`impact`). Reads core only."""
