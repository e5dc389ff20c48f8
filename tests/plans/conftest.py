import pytest


@pytest.fixture(autouse=True)
def plan_dir(tmp_path, monkeypatch):
    """Each test's planning folder (runs are kept under its runs/)."""
    monkeypatch.setenv("SOT_PLAN_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def national(jamtland):
    """MSB's read-only national user."""
    from sot.accounts.models import Role, User

    return User.objects.update_or_create(  # the demo has an msb login too
        username="msb", defaults={"role": Role.NATIONAL, "is_staff": True}
    )[0]
