"""Inside the sandbox's namespaces, as root: hide folders, set limits, drop to the throw-away user, exec.

Run only by :mod:`.sandbox` through ``unshare --mount --net --pid --fork``:
``python -m qingfeng.exam.sandbox_launch --uid U --gid G --box DIR --hide P … --need P … -- COMMAND…``.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import resource
import subprocess
import sys

PR_SET_NO_NEW_PRIVS = 38


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def hide_and_expose(box: str, hide: list[str], need: list[str]) -> None:
    """Empty tmpfs over every ``hide`` folder; each ``need`` path inside one is bound back read-only."""
    _mount("--make-rprivate", "/")
    staged = []
    for n, path in enumerate(p for p in need if any(_under(p, h) for h in hide)):
        spot = os.path.join(box, ".expose", str(n))
        os.makedirs(spot)
        _mount("--bind", path, spot)
        staged.append((spot, path))
    for folder in sorted(hide, key=lambda p: -len(p)):  # innermost first, so outer mounts do not hide the mount point
        if os.path.isdir(folder):
            mode = "1777" if folder in ("/tmp", "/var/tmp", "/dev/shm") else "0755"
            _mount("-t", "tmpfs", "-o", f"size=256m,mode={mode},nosuid,nodev", "qingfeng-sandbox", folder)
    for spot, path in staged:
        os.makedirs(path, exist_ok=True)
        _mount("--bind", spot, path)
        _mount("-o", "remount,bind,ro", path)


def loopback_up() -> None:
    """The new network namespace has only a loopback, and it is down: the kernel talks to nbgrader over it."""
    import fcntl
    import socket
    import struct

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
        ifreq = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, ifreq)[:18])[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))
    finally:
        sock.close()


def drop_to(uid: int, gid: int, cpu: int, memory_mb: int) -> None:
    limits = {resource.RLIMIT_CPU: cpu, resource.RLIMIT_AS: memory_mb * 1024 * 1024, resource.RLIMIT_NPROC: 128,
              resource.RLIMIT_FSIZE: 200 * 1024 * 1024, resource.RLIMIT_NOFILE: 1024, resource.RLIMIT_CORE: 0}
    for what, value in limits.items():
        resource.setrlimit(what, (value, value))
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("sandbox: still root")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uid", type=int, required=True)
    parser.add_argument("--gid", type=int, required=True)
    parser.add_argument("--box", required=True)
    parser.add_argument("--cpu", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--hide", action="append", default=[])
    parser.add_argument("--need", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    a = parser.parse_args(argv)
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    hide_and_expose(a.box, a.hide, a.need)
    loopback_up()
    drop_to(a.uid, a.gid, a.cpu, a.memory_mb)
    os.chdir(os.path.join(a.box, "exams"))
    os.execvpe(command[0], command, os.environ)


if __name__ == "__main__":
    main(sys.argv[1:])
