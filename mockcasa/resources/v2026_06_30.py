"""API revision 2026-06-30: what production serves since the SDK's 0.4-0.6 releases, as changes to 1.0.0.

Placeholder: filled in by the following commits.
"""

from mockcasa.resources import Revision

REVISION = Revision(name="2026-06-30", error_codes=("gone",))
