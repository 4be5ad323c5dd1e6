"""结业证书: a one-page Chinese PDF, and an id a trainer can check.

The certificate id is ``QF-<date>-<12 hex>``: the hex digits are the first 12
of an HMAC-SHA256, under the deployment's certificate key, of the learner's
account, name, unit, date, 学时 and score.  The issued certificate is also a
row in the learner's progress file, so ``qingfeng progress verify ID``
finds the row (in the files a trainer gathers) and recomputes the HMAC:
a changed name, unit, date or score, or an invented id, does not verify.

The key is ``$QINGFENG_CERT_KEY``, else the file ``$QINGFENG_CERT_KEY_FILE``
(default ``~/.qingfeng/certificate.key``, created with mode 0600 on first
use).  On a multi-user Hub the key file must belong to the service, not the
learners (see README).  The PDF is drawn with matplotlib and the mplfonts
Noto Sans CJK font (TrueType embedding, so the text can be extracted).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from ..chart_fonts import use_chinese_font
from .progress import ProgressStore

__all__ = ["Certificate", "issue", "write_pdf", "verify", "signature", "key"]


@dataclass(frozen=True)
class Certificate:
    id: str
    learner: str
    name: str
    unit: str
    issued: str  # YYYY-MM-DD
    hours: float
    score: float  # final test, percent

    def payload(self) -> bytes:
        return "|".join([self.learner, self.name, self.unit, self.issued, f"{self.hours:g}", f"{self.score:g}"]).encode()


def key() -> bytes:
    env = os.environ.get("QINGFENG_CERT_KEY")
    if env:
        return env.encode()
    path = Path(os.environ.get("QINGFENG_CERT_KEY_FILE") or Path.home() / ".qingfeng" / "certificate.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def signature(cert: Certificate) -> str:
    return hmac.new(key(), cert.payload(), hashlib.sha256).hexdigest()


def issue(store: ProgressStore, name: str, unit: str, hours: float, score: float) -> Certificate:
    """Record a certificate for the learner (same name, unit and day: the same certificate again)."""
    name, unit = name.strip(), unit.strip()
    if not name or not unit:
        raise ValueError("请填写姓名和单位")
    issued = store.clock().date().isoformat()
    draft = Certificate("", store.learner, name, unit, issued, round(hours, 1), round(score, 1))
    sig = signature(draft)
    cert = replace(draft, id=f"QF-{issued.replace('-', '')}-{sig[:12].upper()}")
    store.execute("INSERT OR REPLACE INTO certificates VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (cert.id, cert.learner, cert.name, cert.unit, cert.issued, cert.hours, cert.score, sig))
    store.set_profile(name, unit)
    return cert


def write_pdf(cert: Certificate, path: Path, modules: list[str]) -> Path:
    """A4 landscape certificate in Chinese; returns the path written."""
    use_chinese_font()
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    matplotlib.rcParams["pdf.fonttype"] = 42  # embed TrueType: text stays text, extractable
    fig = plt.figure(figsize=(11.69, 8.27))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.add_patch(Rectangle((0.03, 0.04), 0.94, 0.92, fill=False, lw=3, ec="#8b1a1a"))
    ax.add_patch(Rectangle((0.045, 0.06), 0.91, 0.88, fill=False, lw=1, ec="#8b1a1a"))
    d = dt.date.fromisoformat(cert.issued)
    lines = [
        (0.84, "结业证书", 40, "bold"),
        (0.70, f"{cert.name}（{cert.unit}）", 22, "normal"),
        (0.60, "完成了“清风”廉政风险防控培训课程的全部学习内容：", 16, "normal"),
        (0.54, "、".join(modules[:3]), 14, "normal"),
        (0.50, "、".join(modules[3:]), 14, "normal"),
        (0.42, f"共计 {cert.hours:g} 学时，结业测验成绩 {cert.score:g} 分，准予结业。", 16, "normal"),
        (0.30, f"{d.year} 年 {d.month} 月 {d.day} 日", 16, "normal"),
        (0.14, f"证书编号：{cert.id}", 12, "normal"),
        (0.10, "培训管理人员可凭证书编号核验本证书", 10, "normal"),
    ]
    for y, text, size, weight in lines:
        ax.text(0.5, y, text, ha="center", va="center", fontsize=size, fontweight=weight, color="#222")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def verify(cert_id: str, files: list[Path]) -> tuple[bool, str, Certificate | None]:
    """Find ``cert_id`` in the progress files and check its HMAC; (valid, Chinese message, certificate)."""
    cert_id = cert_id.strip().upper()
    for f in files:
        try:
            con = sqlite3.connect(f"file:{f}?mode=ro", uri=True)
            try:
                row = con.execute("SELECT id, learner, name, unit, issued, hours, score, signature FROM certificates"
                                  " WHERE upper(id) = ?", (cert_id,)).fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            continue
        if row:
            cert = Certificate(*row[:7])
            good = hmac.compare_digest(signature(cert), row[7]) and cert_id.endswith(row[7][:12].upper())
            if good:
                return True, (f"证书有效：{cert.name}（{cert.unit}），{cert.issued} 结业，{cert.hours:g} 学时，"
                              f"结业测验 {cert.score:g} 分。"), cert
            return False, f"证书编号 {cert_id} 的记录与签名不符，记录可能被改动过（{f}）。", cert
    return False, f"在给出的进度文件中找不到证书编号 {cert_id}。", None
