"""Running 清风 on JupyterHub: one Linux account per person, roles as groups, a shared grader account.

``layout``   — the data root, the names of groups and accounts (the ONE place they are spelled)
``accounts`` — accounts from the roster (``qingfeng hub accounts``)
``prepare``  — the data root's folders, permissions, course copy and per-role Jupyter settings
``auth``     — the Hub's authenticator (PAM; Hub groups from the Linux groups) and spawn rules
``reports``  — the leaders' read-only statistics reports service
"""
