# 清风 JupyterHub deployment: the ONE config file (traitlets).  Started by `make hub` (deploy/hub.sh).
#
# Every person logs in as themselves.  Roles are Linux groups written by `qingfeng hub accounts`
# (names in src/qingfeng/hub/layout.py, namespace "qingfeng"):
#   nbgrader-qingfeng   学员/考生  own server and home (0700), 我的考试 (fetch, submit, feedback)
#   formgrade-qingfeng  考官       the course service "qingfeng": formgrader + terminal, as the grader account
#   qingfeng-trainers   培训师     own server; may edit the case library in the course copy
#   qingfeng-leaders    领导       no server; the "reports" service (statistics reports) only
# Learners' and trainers' kernels post exercise results to the "qingfeng-progress" service with their
# own token; trainers read everyone's (`qingfeng progress gather-hub`), learners only their own.
# The Hub grants each group its scopes below; the file system (modes set by `qingfeng hub prepare`)
# enforces the rest, so a candidate's own kernel gets "permission denied" on keys, bank and gradebook.
#
# Settings come from the environment so one file serves a laptop, a LAN server and the tests:
#   QINGFENG_HUB_ROOT        data root (deploy/hub.sh: var/hub in the project unless set)
#   QINGFENG_HUB_HOST/PORT   where people connect (127.0.0.1:8000; 0.0.0.0 for a LAN)
#   QINGFENG_HUB_API_PORT, QINGFENG_PROXY_API_PORT, QINGFENG_GRADER_PORT, QINGFENG_REPORTS_PORT
#   QINGFENG_PROGRESS_PORT   internal loopback ports (default PORT+1 … PORT+5)
#   QINGFENG_HUB_AUTH        "pam" (default) or "ldap" (see the LDAP block at the end)
import os

from qingfeng.hub.auth import QingfengPAMAuthenticator, pre_spawn_hook
from qingfeng.hub.layout import COURSE_ID, layout
from qingfeng.hub.services import progress_wiring

c = get_config()  # noqa: F821
lay = layout()
state = lay.hub_state
host = os.environ.get("QINGFENG_HUB_HOST", "127.0.0.1")
port = int(os.environ.get("QINGFENG_HUB_PORT", "8000"))


def _port(name: str, offset: int) -> int:
    return int(os.environ.get(name) or port + offset)


# --- network: public proxy, internal Hub API, proxy API -------------------------------------------
c.JupyterHub.bind_url = f"http://{host}:{port}/"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{_port('QINGFENG_HUB_API_PORT', 1)}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('QINGFENG_PROXY_API_PORT', 2)}"
c.ConfigurableHTTPProxy.command = [str(lay.proxy)]          # installed by deploy/hub.sh into the runtime
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

# --- the Hub's own state: all under the data root, kept across restarts ---------------------------
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True          # stopping the Hub stops users' servers; their files stay
c.JupyterHub.template_vars = {"announcement_login": "清风 廉政风险防控培训与考试：请用考官发给您的编号和初始密码登录"}

# --- who may log in: PAM (Linux accounts made by `qingfeng hub accounts`) -------------------------
c.JupyterHub.authenticator_class = QingfengPAMAuthenticator
c.PAMAuthenticator.allowed_groups = {lay.users_group}
c.PAMAuthenticator.open_sessions = False
c.Authenticator.manage_groups = True          # Hub groups = the user's 清风 Linux groups, at every login
c.Authenticator.admin_users = set()           # nobody administers the Hub through the web

# the learner-progress service (results, 结业测验, certificates): see qingfeng.hub.services
progress = progress_wiring(lay, _port("QINGFENG_PROGRESS_PORT", 5))
reach_progress = progress["user_scopes"]      # access:services!service=qingfeng-progress

# --- roles: what each group may reach --------------------------------------------------------------
# (groups are created from the roles below; their members come from the authenticator at login)
c.JupyterHub.load_roles = [
    {"name": "qingfeng-examiner", "groups": [lay.role_group("examiner")],
     "scopes": [f"access:services!service={COURSE_ID}", "access:services!service=reports",
                "list:services", f"read:services!service={COURSE_ID}", "read:services!service=reports"]},
    {"name": "qingfeng-learner", "groups": [lay.role_group("learner")],
     "scopes": ["list:services", f"read:services!service={COURSE_ID}", *reach_progress]},
    {"name": "qingfeng-leader", "groups": [lay.role_group("leader")],
     "scopes": ["access:services!service=reports", "list:services", "read:services!service=reports"]},
    {"name": "qingfeng-trainer", "groups": [lay.role_group("trainer")], "scopes": ["list:services", *reach_progress]},
    progress["role"],                             # the service may read the trainers' group
    # single-user servers' tokens: what their owner has (nbgrader's course list asks the Hub for services)
    {"name": "server", "scopes": ["inherit"]},
]

# --- users' servers: one Linux process per person, as that person ---------------------------------
c.JupyterHub.spawner_class = "localprocess"
# jupyterhub-singleuser minus a Node.js start (src/qingfeng/hub/singleuser.py); -P: nothing from the home folder
c.Spawner.cmd = [str(lay.python), "-P", "-m", "qingfeng.hub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.pre_spawn_hook = pre_spawn_hook    # leaders: no server; others: their role's Jupyter settings
c.Spawner.args = [f"--LabApp.app_settings_dir={lay.lab_settings}"]   # simplified Chinese interface
c.Spawner.environment = dict(progress["spawner_environment"])   # QINGFENG_PROGRESS_URL: where kernels post
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90

# --- services: the course (formgrader, exam commands) and the leaders' reports --------------------
_grader_env = {
    "JUPYTERHUB_DEFAULT_URL": "/lab",
    "JUPYTER_CONFIG_PATH": str(lay.config_dir("grader")),
    "QINGFENG_HUB_ROOT": str(lay.root),
    "QINGFENG_EXCHANGE": str(lay.exchange),       # read by exams/nbgrader_config.py
    "PATH": f"{lay.runtime / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
c.JupyterHub.services = [
    {
        "name": COURSE_ID,                        # nbgrader: the service's name is the course id
        "url": f"http://127.0.0.1:{_port('QINGFENG_GRADER_PORT', 3)}",
        "command": [str(lay.runtime / "bin" / "jupyterhub-singleuser"), f"--ServerApp.root_dir={lay.course}",
                    f"--LabApp.app_settings_dir={lay.lab_settings}"],
        "user": lay.grader_user,
        "cwd": str(lay.course),
        "environment": _grader_env,
        "oauth_no_confirm": True,
    },
    {
        "name": "reports",
        "url": f"http://127.0.0.1:{_port('QINGFENG_REPORTS_PORT', 4)}",
        "command": [str(lay.python), "-m", "qingfeng.hub.reports"],
        "user": lay.grader_user,
        "cwd": str(lay.reports),
        "environment": {"QINGFENG_REPORTS": str(lay.reports)},
        "oauth_no_confirm": True,
    },
    progress["service"],                          # python -m qingfeng.learning.progress_service, as <ns>-progress
]

# --- LDAP instead of PAM (a unit's directory) ------------------------------------------------------
# pip install jupyterhub-ldapauthenticator into the runtime, set QINGFENG_HUB_AUTH=ldap and fill in
# the server below.  Linux accounts are still needed (LocalProcessSpawner runs servers as them):
# keep creating them with `qingfeng hub accounts`, and map LDAP groups to the same group names.
if os.environ.get("QINGFENG_HUB_AUTH") == "ldap":
    c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"
    c.LDAPAuthenticator.server_address = os.environ["QINGFENG_LDAP_SERVER"]
    c.LDAPAuthenticator.bind_dn_template = [os.environ.get("QINGFENG_LDAP_BIND_DN", "uid={username},ou=people,dc=example,dc=org")]
    c.LDAPAuthenticator.use_ssl = True
    c.Authenticator.manage_groups = False
    c.Authenticator.allowed_users = set()
