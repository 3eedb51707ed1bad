"""Which Prefect server a run uses (pipeline/runtime/local_server.py): the one named in the
environment or the active profile, else a temporary one of its own."""

from __future__ import annotations

from pipeline.runtime.local_server import profile_api_url, start_unless_configured
from tests.helpers import write_profiles


def test_a_server_in_the_active_prefect_profile_means_no_temporary_server(tmp_path, monkeypatch):
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert profile_api_url() is None  # no profiles.toml: Prefect's "ephemeral" profile
    write_profiles(
        tmp_path,
        'active = "mine"\n[profiles.mine]\nPREFECT_API_URL = "http://10.0.0.9:4200/api"\n'
        '[profiles.other]\nPREFECT_LOGGING_LEVEL = "DEBUG"\n',
    )
    assert profile_api_url() == "http://10.0.0.9:4200/api"
    assert start_unless_configured() is None
    monkeypatch.setenv("PREFECT_PROFILE", "other")  # chosen in the environment: no server
    assert profile_api_url() is None
    monkeypatch.setenv("PREFECT_PROFILE", "local")  # shipped with Prefect, with a URL
    assert profile_api_url() == "http://127.0.0.1:4200/api"
