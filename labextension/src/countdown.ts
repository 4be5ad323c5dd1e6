/**
 * A timed sitting's countdown in the candidate's bar (`.qf-slot[data-slot=timer]`).
 *
 * The time left comes from the server (`/qingfeng/sitting`, the server's clock and the window
 * released with the paper), never from the browser's clock: the browser only counts down between
 * two answers from the server and asks again every 30 seconds.  Opening the paper records the
 * candidate's start there (first write wins).  Warnings at 10 and 1 分钟; at zero the paper is saved
 * and submitted through the same path as 提交试卷 (CandidatePaper.submitNow) and locked.
 * Before the opening time the paper is not editable and says 考试尚未开始 with the opening time.
 * A paper already submitted opens read-only, timed or not.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { el } from './form';
import { CandidatePaper, request } from './paper';

interface SittingInfo {
  timed: boolean;
  submitted: boolean;
  submitted_text: string;
  state?: '未开始' | '进行中' | '已截止';
  remaining_seconds?: number;
  text?: string;
  opens_text?: string;
  deadline_text?: string;
  duration_minutes?: number;
  rule?: string;
}

const RESYNC_MS = 30_000;
const WARNINGS = [600, 60];

function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${mm}:${ss}`;
}

export class Countdown {
  private endsAt = 0; // performance.now() at which the server says time is up
  private tick = 0;
  private resync = 0;
  private warned = new Set<number>();
  private finishing = false;

  constructor(private paper: CandidatePaper) {
    paper.panelWidget.disposed.connect(() => this.stop());
  }

  private get slot(): HTMLElement {
    return this.paper.timerSlot;
  }

  private async ask(event = ''): Promise<SittingInfo | null> {
    try {
      if (event) {
        return (await request('qingfeng/sitting', {
          method: 'POST',
          body: JSON.stringify({ path: this.paper.path, event })
        })) as SittingInfo;
      }
      return (await request(`qingfeng/sitting?path=${encodeURIComponent(this.paper.path)}`)) as SittingInfo;
    } catch (e) {
      this.slot.title = `暂时无法读取考试时间：${(e as Error).message}`;
      return null;
    }
  }

  async start(): Promise<void> {
    await this.paper.formsReady;
    const info = await this.ask('open');
    if (!info) {
      return;
    }
    this.apply(info);
  }

  private apply(info: SittingInfo): void {
    if (info.submitted) {
      this.stop();
      this.slot.textContent = info.timed ? '已交卷' : '';
      this.slot.className = 'qf-slot qf-timer qf-timer-done';
      this.paper.lock(info.submitted_text);
      return;
    }
    if (!info.timed) {
      return;
    }
    this.slot.className = 'qf-slot qf-timer';
    this.slot.title = info.rule ?? '';
    if (info.state === '未开始') {
      this.paper.setEditable(false);
      this.paper.showBanner(info.text ?? `考试尚未开始：开考时间 ${info.opens_text}`, 'qf-waiting');
      this.paper.setStatus('开考后即可作答。');
      this.slot.textContent = '考试尚未开始';
      window.clearTimeout(this.resync);
      this.resync = window.setTimeout(() => void this.ask('open').then(i => i && this.apply(i)), 10_000);
      return;
    }
    if (info.state === '已截止') {
      void this.finish();
      return;
    }
    if (this.paper.bannerKind === 'qf-waiting') {
      this.paper.showBanner(''); // the sitting has opened (a warning stays until the next one)
      this.paper.setEditable(true);
      this.paper.setStatus('考试已开始，请逐题作答，作答内容会自动保存。');
    }
    this.endsAt = performance.now() + (info.remaining_seconds ?? 0) * 1000;
    for (const w of WARNINGS) {
      if ((info.remaining_seconds ?? 0) <= w) {
        this.warned.add(w); // opened with less time left: no warning for a threshold already passed
      }
    }
    this.show();
    window.clearInterval(this.tick);
    this.tick = window.setInterval(() => this.show(), 250);
    window.clearTimeout(this.resync);
    this.resync = window.setTimeout(() => void this.ask().then(i => i && this.apply(i)), RESYNC_MS);
  }

  private show(): void {
    const left = (this.endsAt - performance.now()) / 1000;
    this.slot.textContent = `剩余时间 ${clock(left)}`;
    this.slot.classList.toggle('qf-timer-warn', left <= 600);
    this.slot.classList.toggle('qf-timer-last', left <= 60);
    for (const w of WARNINGS) {
      if (left <= w && !this.warned.has(w)) {
        this.warned.add(w);
        const minutes = w / 60;
        this.paper.showBanner(`距考试结束还有 ${minutes} 分钟：时间到时系统会自动保存并提交试卷。`, 'qf-warning');
      }
    }
    if (left <= 0) {
      void this.finish();
    }
  }

  private stop(): void {
    window.clearInterval(this.tick);
    window.clearTimeout(this.resync);
  }

  /** Time is up: the server is asked once more (its clock decides), then the paper is submitted. */
  private async finish(): Promise<void> {
    if (this.finishing || this.paper.isLocked) {
      return;
    }
    this.finishing = true;
    this.stop();
    const info = await this.ask();
    if (info && info.state === '进行中' && !info.submitted) {
      this.finishing = false;
      this.apply(info); // the browser ran fast: keep going by the server's clock
      return;
    }
    if (info?.submitted) {
      this.apply(info);
      return;
    }
    this.slot.textContent = '时间到';
    this.paper.setEditable(false);
    const { ok, message } = await this.paper.submitNow(true);
    this.slot.textContent = ok ? '已交卷' : '时间到';
    this.slot.className = 'qf-slot qf-timer qf-timer-done';
    if (!ok) {
      this.finishing = false;
      this.paper.showBanner(`考试时间已到，但自动提交没有成功：${message}`, 'qf-warning');
    }
    const body = new Widget({ node: el('div', { class: ok ? 'qf-submitted' : 'qf-submit-failed' }, message) });
    await showDialog({ title: ok ? '考试时间到，已自动交卷' : '自动提交失败', body, buttons: [Dialog.okButton({ label: '知道了' })] });
  }
}
