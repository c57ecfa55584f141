"""The regulators' layouts (ICO, CNIL) and spreadsheet-cell safety, read both ways:
the exports write them, the importers read them back."""
