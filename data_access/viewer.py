"""Who is looking: the one object that carries a viewer's rights into every query (DESIGN §1, §5)."""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("anonymous", "agency", "statewide", "admin")
RESOLVER = "ct_equity.resolve_viewer"  # the Flask extension holding the request → Viewer function


@dataclass(frozen=True)
class Viewer:
    role: str = "anonymous"
    agencies: frozenset[str] = frozenset()

    def sees_unsuppressed(self, agency_code: str) -> bool:
        """Statewide users and admins see every agency's detail; agency users their own agencies."""
        return self.role in ("statewide", "admin") or (self.role == "agency" and agency_code in self.agencies)

    @property
    def sees_drafts(self) -> bool:
        return self.role in ("statewide", "admin")


ANONYMOUS = Viewer()
