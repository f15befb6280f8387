"""Test helpers shipped with clientcare, for its own adapters and yours.

:class:`BackendContract` is the repository contract suite: every storage
adapter — the in-memory one, the SQL one, or an embedder's own — must pass
it unchanged. Subclass it in a pytest module and implement
:meth:`BackendContract.make_backend`::

    from clientcare.testing import BackendContract

    class TestMyBackend(BackendContract):
        def make_backend(self):
            return MyBackend(...)

:class:`ComplaintRepositoryContract` does the same for complaints and standard
answers (P40–P52), and :class:`AssessmentsContract` for assessments,
improvement plans and survey answers (P60–P62, P65).

:class:`LoyaltyContract` does the same for the tiers, membership, points,
referral and contract repositories (P10–P17, P33).

:class:`TouchesContract` does the same for touches, appointments,
follow-up sequences, wishes, recurring rules and sale credits.

:class:`UnitOfWorkContract` holds the unit of work itself to its promises,
across areas: the events of every aggregate it touched reach the outbox on
commit in the order recorded, a rollback leaves no rows and no messages, and
a commit clears its tracking.

:class:`CustomerPagingContract` holds ``CustomerRepository.page`` to one order
(name, then id, by code point) and one keyset resumption on every backend.

:class:`AnalyticsContract` holds the analytics port to the core's reference
functions (composition, relationship figures, store buyers, RFM, cohorts,
Pareto) on random archives drawn with Hypothesis.

Requires pytest: the ``testing`` extra.
"""

from clientcare.testing._analytics_contract import AnalyticsContract
from clientcare.testing._assessments_contract import AssessmentsContract
from clientcare.testing._complaints_contract import ComplaintRepositoryContract
from clientcare.testing._contract import BackendContract
from clientcare.testing._loyalty_contract import LoyaltyContract
from clientcare.testing._paging_contract import CustomerPagingContract
from clientcare.testing._touches_contract import TouchesContract
from clientcare.testing._uow_contract import ContractProbe, UnitOfWorkContract

__all__ = [
    "AnalyticsContract",
    "AssessmentsContract",
    "BackendContract",
    "ComplaintRepositoryContract",
    "ContractProbe",
    "CustomerPagingContract",
    "LoyaltyContract",
    "TouchesContract",
    "UnitOfWorkContract",
]
