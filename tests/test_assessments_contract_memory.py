"""The assessments repository contract on the in-memory adapter."""

from clientcare.adapters.memory import MemoryBackend
from clientcare.testing import AssessmentsContract


class TestMemoryAssessments(AssessmentsContract):
    """The in-memory backend stores assessments, plans and survey answers as the ports say."""

    def make_backend(self) -> MemoryBackend:
        return MemoryBackend()
