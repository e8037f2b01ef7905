"""Signals the domain apps send so that a reader above them (the reports) can follow the data
without the apps knowing it: the dependency runs from the reader to the signal."""

from django.dispatch import Signal

# Sent once the change has committed: new contribution lines (an import), reversals of lines,
# a finished batch run (payment runs, events, settlements). Keyword ``what`` names the change.
data_changed = Signal()
