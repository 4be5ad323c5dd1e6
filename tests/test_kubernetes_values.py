"""deploy/kubernetes/ (not run here) says the same as deploy/jupyterhub_config.py (run by tests/test_hub.py):
the same groups, roles and scopes, services, course id and QINGFENG_* settings, and no secret in git."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from qingfeng.hub.layout import COURSE_ID, ROLES, Layout

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "deploy" / "kubernetes"


@pytest.fixture(scope="module")
def hub_config(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("QINGFENG_HUB_ROOT", str(tmp_path_factory.mktemp("root")))
    monkeypatch_module.setenv("QINGFENG_HUB_NAMESPACE", "qingfeng")
    c = Config()
    path = REPO / "deploy" / "jupyterhub_config.py"
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"get_config": lambda: c, "__file__": str(path)})
    return c


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifests():
    return [d for d in yaml.safe_load_all((K8S / "services.yaml").read_text(encoding="utf-8")) if d]


def test_roles_groups_and_scopes_are_the_same_as_on_one_machine(hub_config, values):
    on_one_machine = {r["name"]: (sorted(r.get("groups", [])), sorted(r["scopes"])) for r in hub_config.JupyterHub.load_roles}
    on_k8s = {name: (sorted(r.get("groups", [])), sorted(r["scopes"])) for name, r in values["hub"]["loadRoles"].items()}
    assert on_k8s == on_one_machine
    lay = Layout(Path("/srv/qingfeng"), "qingfeng")
    assert {g for groups, _ in on_k8s.values() for g in groups} == set(lay.hub_groups())
    # the spawn hook's role → group table and the login's allowed group are the layout's names too
    hook = values["hub"]["extraConfig"]["qingfeng-roles"]
    for role in ROLES:
        assert f'("{role.key}", "{lay.role_group(role.key)}")' in hook
    assert values["hub"]["config"]["Authenticator"]["allowed_groups"] == [lay.users_group]
    assert values["hub"]["config"]["Authenticator"]["manage_groups"] is hub_config.Authenticator.manage_groups is True


def test_services_and_course_id_are_the_same(hub_config, values, manifests):
    names = [s["name"] for s in hub_config.JupyterHub.services]
    assert names[0] == COURSE_ID == "qingfeng"
    assert sorted(values["hub"]["services"]) == sorted(names)
    deployed = {d["metadata"]["name"]: d for d in manifests if d["kind"] == "Deployment"}
    for name in names:
        url = values["hub"]["services"][name]["url"]
        svc = re.match(r"http://([a-z0-9-]+)\.", url).group(1)
        env = {e["name"]: e for e in deployed[svc]["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["JUPYTERHUB_SERVICE_NAME"]["value"] == name
        assert env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == f"hub.services.{name}.apiToken"


def test_the_qingfeng_settings_are_the_same_keys(hub_config, values, manifests):
    by_name = {s["name"]: s for s in hub_config.JupyterHub.services}
    course = next(d for d in manifests if d["metadata"]["name"] == "qingfeng-course")
    course_env = {e["name"] for e in course["spec"]["template"]["spec"]["containers"][0]["env"]}
    wanted = {k for k in by_name[COURSE_ID]["environment"] if k != "PATH"}      # PATH: the image's
    assert wanted <= course_env
    reports = next(d for d in manifests if d["metadata"]["name"] == "qingfeng-reports")
    assert set(by_name["reports"]["environment"]) <= {e["name"] for e in reports["spec"]["template"]["spec"]["containers"][0]["env"]}
    # the learner-progress service: same command, same settings; kernels are told where it answers
    progress = next(d for d in manifests if d["metadata"]["name"] == "qingfeng-progress")
    container = progress["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][1:] == by_name["qingfeng-progress"]["command"][1:] == ["-m", "qingfeng.learning.progress_service"]
    progress_env = {e["name"]: e.get("value") for e in container["env"]}
    assert set(by_name["qingfeng-progress"]["environment"]) <= set(progress_env)
    assert progress_env["QINGFENG_TRAINERS_GROUP"] == Layout(Path("/srv/qingfeng"), "qingfeng").role_group("trainer")
    assert set(hub_config.Spawner.environment) <= set(values["singleuser"]["extraEnv"])
    assert values["singleuser"]["extraEnv"]["QINGFENG_PROGRESS_URL"] == \
        values["hub"]["services"]["qingfeng-progress"]["url"] + "/services/qingfeng-progress/"
    # what pre_spawn_hook sets on one machine, the k8s spawn hook sets too
    auth = (REPO / "src" / "qingfeng" / "hub" / "auth.py").read_text(encoding="utf-8")
    hook = values["hub"]["extraConfig"]["qingfeng-roles"]
    for key in set(re.findall(r'spawner\.environment\["(QINGFENG_\w+|JUPYTER_CONFIG_PATH)"\]', auth)):
        assert f'"{key}"' in hook, key
    assert values["singleuser"]["extraEnv"]["QINGFENG_EXCHANGE"] == "/srv/qingfeng/exchange"
    assert values["singleuser"]["defaultUrl"] == hub_config.Spawner.default_url


def test_the_hub_and_gradebook_use_postgresql_and_no_secret_is_written_down(values):
    assert values["hub"]["db"]["type"] == "postgres" and "password" not in values["hub"]["db"]
    assert ":" not in values["hub"]["db"]["url"].split("//", 1)[1].split("@")[0]     # no user:password@
    assert values["hub"]["extraEnv"]["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "qingfeng-secrets"
    for path in (K8S / "values.yaml", K8S / "services.yaml", K8S / "Dockerfile"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[0-9a-f]{32,}", text), path                        # no token or key
        assert not re.search(r"(?i)^\s*(password|secretToken|apiToken|api_token|cookieSecret|crypt_?key)\s*:\s*\S", text, re.M), path
        assert not re.search(r"postgres\w*(\+\w+)?://[^/@\s]+:[^/@\s]+@", text), path


def test_the_image_installs_the_project_as_hub_sh_does():
    docker = (K8S / "Dockerfile").read_text(encoding="utf-8")
    hub_sh = (REPO / "deploy" / "hub.sh").read_text(encoding="utf-8")
    assert "/usr/bin/python3.11" in hub_sh and "/usr/bin/python3.11 -m venv /opt/qingfeng" in docker
    assert '-m pip install --quiet "$PROJECT"' in hub_sh and "pip install --quiet -c /tmp/hub-constraint.txt /tmp/qingfeng-src" in docker
    assert "chmod -R a+rX" in hub_sh and "chmod -R a+rX /opt/qingfeng" in docker
    readme = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    assert "kubernetes/README.md" in readme
