"""A broken knowledge file: the server refuses to start and says where; a reload keeps the last good knowledge.

Every refusal names the problem as `file:entry:field: message`, the loader's Problem format, so the person
starting the server knows which line to fix.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from celldecide.cli import main
from celldecide.knowledge import KnowledgeError, load_knowledge, reload_knowledge
from tests.conftest import REPO_ROOT
from tests.faults.conftest import PYTHON, command_env, free_port

PROBLEM = "products/maci.yaml:maci:stage:"
OLD_SUMMARY = "The first FDA-approved product that grows a patient's own cartilage cells"


def break_maci(root: Path) -> None:
    """Give the MACI product a stage that does not exist."""
    path = root / "products" / "maci.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("stage: standard_use", "stage: nearly_there"),
                    encoding="utf-8")  # fmt: skip


def test_it_refuses_to_start_gunicorn_naming_the_file_entry_and_field(knowledge_copy, tmp_path):
    break_maci(knowledge_copy)
    env = command_env(CELLDECIDE_KNOWLEDGE_DIR=str(knowledge_copy), DJANGO_SETTINGS_MODULE="celldecide.web.settings.dev",
                      DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")  # fmt: skip
    done = subprocess.run(
        [PYTHON, "-m", "gunicorn", "celldecide.web.wsgi:application", "--bind", f"127.0.0.1:{free_port()}",
         "--workers", "1"],
        env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "CellDecide cannot start" in done.stderr and PROBLEM in done.stderr
    assert "Worker failed to boot" in done.stderr


def test_it_fails_the_system_check_naming_the_file_entry_and_field(knowledge_copy, settings):
    break_maci(knowledge_copy)
    settings.KNOWLEDGE_DIR = knowledge_copy
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    assert "celldecide.E001" in str(refused.value) and PROBLEM in str(refused.value)


def test_it_passes_the_system_check_on_the_real_knowledge_base():
    call_command("check")


def test_kb_load_exits_1_naming_the_file_entry_and_field(knowledge_copy, settings, capsys):
    break_maci(knowledge_copy)
    settings.KNOWLEDGE_DIR = knowledge_copy
    assert main(["kb", "load"]) == 1
    assert PROBLEM in capsys.readouterr().err


@pytest.mark.django_db
def test_a_reload_with_a_broken_file_keeps_serving_the_last_good_knowledge(knowledge_copy, settings, client):
    from celldecide.web.kb.models import KnowledgeState

    settings.KNOWLEDGE_DIR = knowledge_copy
    call_command("load_knowledge")
    good = load_knowledge(knowledge_copy)
    page = client.get("/products/maci/")
    assert page.status_code == 200 and OLD_SUMMARY in page.content.decode()

    break_maci(knowledge_copy)
    with pytest.raises(KnowledgeError) as refused:
        reload_knowledge(knowledge_copy)
    assert PROBLEM in str(refused.value)
    with pytest.raises(CommandError, match="products/maci.yaml:maci:stage"):
        call_command("load_knowledge")
    assert load_knowledge(knowledge_copy) is good
    assert KnowledgeState.objects.get().version == good.version
    for path in ("/products/maci/", "/products/", "/api/v1/products/maci"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert OLD_SUMMARY in client.get("/products/maci/").content.decode()

    # A fixed file is picked up by the next reload: the page shows the new text.
    path = knowledge_copy / "products" / "maci.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("stage: nearly_there", "stage: standard_use")
                    .replace("The first FDA-approved product", "The first US-approved product"), encoding="utf-8")  # fmt: skip
    fresh = reload_knowledge(knowledge_copy)
    assert fresh.version != good.version
    assert "The first US-approved product" in client.get("/products/maci/").content.decode()
