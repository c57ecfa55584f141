"""The diagrams' palette and font, in one place so the legend and what it explains agree.

Red marks what an auditor looks for first: special categories and data leaving the
EEA. Fills tell an organisation's role: blue for a controller, amber for a processor.
"""

from __future__ import annotations

FONT = "Helvetica"

SPECIAL_COLOUR = "#c0392b"  # flows carrying special categories
FLOW_COLOUR = "#5d6d7e"  # every other flow
THIRD_COUNTRY_COLOUR = "#b03a2e"  # frames, nodes and warnings outside the EEA
FRAME_COLOUR = "#7f8c8d"  # outlines of frames and organisations inside the EEA
LABEL_COLOUR = "#2c3e50"  # edge labels with nothing to warn about
INVALID_COLOUR = "#8e44ad"  # entries with a schema error, drawn with what validated
INVALID_NOTE = "INVALID: schema error, see its findings"

CONTROLLER_FILL = "#eaf2fb"
PROCESSOR_FILL = "#fef5e7"
OTHER_FILL = "#f4f6f6"  # organisations that only receive data
SPECIAL_FILL = "#fdedec"  # systems storing special categories
SUBJECT_FILL = "#f2f3f4"  # data subjects, and parties that are no organisation
