/**
 * The candidate's side of one paper: the forms, the bar on top (已作答 n / 共 m, 下一道未答题, 检查试卷, 提交试卷),
 * a slot in the bar for a timed sitting's countdown (`.qf-slot[data-slot=timer]`, filled by countdown.ts), and
 * the lock after submission (read-only, banner 已提交，试卷已锁定).
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { URLExt } from '@jupyterlab/coreutils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { PanelLayout, Widget } from '@lumino/widgets';

import { AnswerForm, CheckResult, Spec, el } from './form';

export async function request(path: string, init: RequestInit = {}): Promise<any> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, path);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`服务器返回错误 ${response.status}：${text.slice(0, 200)}`);
  }
  return text ? JSON.parse(text) : {};
}

/** Everything the candidate sees on one paper: forms, the bar on top, checking and submitting. */
export class CandidatePaper {
  private forms = new Map<string, AnswerForm>();
  private progress = el('span', { class: 'qf-progress' });
  private meter = el('progress', { class: 'qf-meter', max: '1', value: '0' });
  private status = el('span', { class: 'qf-status' });
  private saveTimer = 0;
  private checkTimer = 0;
  private locked = false;
  /** The bar's slot for a timed sitting's countdown (filled by countdown.ts). */
  readonly timerSlot = el('span', { class: 'qf-slot', 'data-slot': 'timer' });
  /** A line under the bar: 考试尚未开始 …, 已提交，试卷已锁定 (hidden when empty). */
  readonly banner = el('div', { class: 'qf-banner' });
  private bannerWidget = new Widget({ node: this.banner });

  constructor(private panel: NotebookPanel) {
    panel.addClass('qf-candidate-panel');
    panel.content.addClass('qf-candidate');
    panel.toolbar.setHidden(true); // run, kernel and cell-type controls are not for candidates
    panel.contentHeader.addWidget(this.bar());
    this.bannerWidget.hide(); // a hidden Lumino widget takes no room in the header's box layout
    panel.contentHeader.addWidget(this.bannerWidget);
    void this.start();
  }

  get panelWidget(): NotebookPanel {
    return this.panel;
  }

  /** The paper's path relative to the server's root (where its sitting record is kept). */
  get path(): string {
    return this.panel.context.path;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Editable or not: every cell, every form control, and the bar's buttons. */
  setEditable(editable: boolean): void {
    for (const cell of this.panel.content.widgets) {
      cell.readOnly = !editable;
    }
    this.panel.content.node.querySelectorAll('input, textarea, select, button').forEach(node => {
      (node as HTMLInputElement).disabled = !editable;
    });
    this.panel.contentHeader.node.querySelectorAll('.qf-bar button').forEach(node => {
      (node as HTMLButtonElement).disabled = !editable;
    });
    this.panel.content.toggleClass('qf-readonly', !editable);
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  get bannerKind(): string {
    return ['qf-locked', 'qf-warning', 'qf-waiting'].find(c => this.bannerWidget.hasClass(c)) ?? '';
  }

  showBanner(text: string, cls = ''): void {
    this.banner.textContent = text;
    for (const c of ['qf-locked', 'qf-warning', 'qf-waiting']) {
      this.bannerWidget.toggleClass(c, c === cls); // classList, never className: Lumino keeps its own classes there
    }
    this.bannerWidget.setHidden(!text);
  }

  /** After any submission: read-only for the candidate, now and whenever the paper is reopened. */
  lock(when = ''): void {
    this.locked = true;
    window.clearTimeout(this.saveTimer);
    window.clearTimeout(this.checkTimer);
    this.setEditable(false);
    this.showBanner(`已提交，试卷已锁定。${when ? `提交时间：${when}。` : ''}如需更正，请联系考官。`, 'qf-locked');
    this.status.textContent = '';
  }

  get examId(): string {
    return ((this.panel.context.model.getMetadata('qingfeng') as any) || {}).exam_id ?? '';
  }

  /** The exam's Chinese title (written by qingfeng.exam.notebook), the id only for papers built before titles. */
  get title(): string {
    return ((this.panel.context.model.getMetadata('qingfeng') as any) || {}).title || this.examId;
  }

  private bar(): Widget {
    const bar = new Widget();
    bar.addClass('qf-bar');
    const button = (text: string, cls: string, act: () => void) => {
      const b = el('button', { class: `qf-button ${cls}`, type: 'button' }, text);
      b.addEventListener('click', act);
      return b;
    };
    bar.node.append(
      el('span', { class: 'qf-title' }, '考生作答'),
      this.meter,
      this.progress,
      button('下一道未答题', 'qf-next', () => void this.nextUnanswered()),
      button('检查试卷', 'qf-check', () => void this.checkDialog()),
      button('提交试卷', 'qf-submit qf-primary', () => void this.submit()),
      this.timerSlot, // a timed sitting's countdown (countdown.ts)
      this.status
    );
    return bar;
  }

  private async start(): Promise<void> {
    const notebook = this.panel.content;
    const waits: Promise<void>[] = [];
    for (const cell of notebook.widgets) {
      const nbg = (cell.model.getMetadata('nbgrader') as any) || {};
      const spec = cell.model.getMetadata('qingfeng') as Spec | undefined;
      if (cell.model.type === 'code' && nbg.grade && !nbg.solution) {
        cell.addClass('qf-test-cell'); // the marking cell: nothing for the candidate
      } else if (spec && spec.item) {
        cell.addClass('qf-answer-cell');
        const question = notebook.widgets[notebook.widgets.indexOf(cell) - 1];
        if (question && (spec.type === '单选' || spec.type === '多选')) {
          question.addClass('qf-options-in-form'); // the form lists the options: not twice
        }
        waits.push(this.attach(cell, spec));
      } else if (cell.model.type === 'code') {
        cell.addClass('qf-code-cell'); // a cell the candidate added: kept, but shown as it is
      }
    }
    await Promise.all(waits);
    const result = await this.refresh(true);
    if (result && !this.locked) {
      this.status.textContent = '请逐题作答，作答内容会自动保存。';
    }
    if (this.locked) {
      this.setEditable(false); // forms attached after an early lock
    }
    this.formsAttached();
  }

  private formsAttached: () => void = () => undefined;
  /** Resolved once every answer cell has its form. */
  readonly formsReady = new Promise<void>(resolve => (this.formsAttached = resolve));

  private async attach(cell: Cell, spec: Spec): Promise<void> {
    await cell.ready;
    const form = new AnswerForm(spec, cell, () => this.edited());
    (cell.layout as PanelLayout).addWidget(form);
    this.forms.set(spec.item, form);
  }

  private edited(): void {
    if (this.locked) {
      return;
    }
    this.status.textContent = '正在保存……';
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => void this.save(), 600);
    window.clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => void this.refresh(false), 300);
  }

  private async save(): Promise<void> {
    try {
      await this.panel.context.save();
      const now = new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
      this.status.textContent = `已自动保存（${now}）`;
    } catch (e) {
      this.status.textContent = `保存失败，请按 Ctrl+S 重试：${(e as Error).message}`;
    }
  }

  /** Ask the server what every answer cell says now; `fill` also puts it into the forms (on opening). */
  async refresh(fill: boolean, submitted?: string): Promise<CheckResult | null> {
    try {
      const body: any = { notebook: this.panel.context.model.toJSON() };
      if (submitted) {
        body.submitted = submitted;
      }
      const result = (await request('qingfeng/check', { method: 'POST', body: JSON.stringify(body) })) as CheckResult;
      for (const item of result.items) {
        this.forms.get(item.item_id)?.display(item, fill);
      }
      this.progress.textContent = `已作答 ${result.answered} / 共 ${result.total} 题`;
      this.meter.max = Math.max(result.total, 1);
      this.meter.value = result.answered;
      return result;
    } catch (e) {
      this.status.textContent = `暂时无法检查作答情况：${(e as Error).message}`;
      return null;
    }
  }

  private async jumpTo(itemId: string): Promise<void> {
    const form = this.forms.get(itemId);
    if (!form) {
      return;
    }
    const notebook = this.panel.content;
    const index = notebook.widgets.indexOf(form.cell);
    if (index > 0) {
      // the item's question is the cell above its answer cell
      await notebook.scrollToItem(index - 1, 'start');
    }
    form.node.scrollIntoView({ block: 'center' });
    (form.node.querySelector('input, textarea') as HTMLElement | null)?.focus();
  }

  private async nextUnanswered(): Promise<void> {
    const result = await this.refresh(false);
    if (!result) {
      return;
    }
    const open = result.items.filter(i => i.state !== 'answered');
    if (!open.length) {
      this.status.textContent = '所有题目都已作答。';
      return;
    }
    const here = this.panel.content.activeCell;
    const order = result.items.map(i => i.item_id);
    const at = here ? order.findIndex(id => this.forms.get(id)?.cell === here) : -1;
    const next = open.find(i => order.indexOf(i.item_id) > at) ?? open[0];
    await this.jumpTo(next.item_id);
  }

  private issueList(result: CheckResult): HTMLElement {
    const box = el('div', { class: 'qf-issues' });
    box.append(el('p', { class: 'qf-summary' }, `已作答 ${result.answered} / 共 ${result.total} 题。`));
    const open = result.items.filter(i => i.state !== 'answered');
    if (!open.length) {
      box.append(el('p', {}, '所有题目都已作答，系统都能读出答案。'));
      return box;
    }
    const word = { unanswered: '未作答', partial: '没有填完', unreadable: '读不出答案', answered: '' };
    const list = el('ol', { class: 'qf-issue-list' });
    for (const item of open) {
      const li = el('li', { class: `qf-issue qf-${item.state}`, 'data-item': item.item_id });
      const link = el('a', { href: '#' }, item.label);
      link.addEventListener('click', e => {
        e.preventDefault();
        void this.jumpTo(item.item_id);
      });
      li.append(link, document.createTextNode(`：${word[item.state]}${item.why ? `（${item.why}）` : ''}`));
      list.append(li);
    }
    box.append(list);
    return box;
  }

  private async checkDialog(): Promise<void> {
    const result = await this.refresh(false);
    if (!result) {
      return;
    }
    const body = new Widget({ node: this.issueList(result) });
    await showDialog({ title: '检查试卷', body, buttons: [Dialog.okButton({ label: '返回作答' })] });
  }

  private async courseId(): Promise<string> {
    const courses = await request('courses');
    const ids: string[] = courses.success ? courses.value : [];
    if (ids.length <= 1) {
      return ids[0] ?? '';
    }
    for (const id of ids) {
      const list = await request(`assignments?course_id=${encodeURIComponent(id)}`);
      if ((list.value || []).some((a: any) => a.assignment_id === this.examId)) {
        return id;
      }
    }
    return ids[0];
  }

  private async submit(): Promise<void> {
    if (this.locked) {
      return;
    }
    window.clearTimeout(this.saveTimer);
    await this.save();
    const result = await this.refresh(false);
    if (!result) {
      return;
    }
    const body = this.issueList(result);
    body.prepend(el('p', {}, `提交后试卷即锁定，不能再修改，阅卷以提交的试卷为准。确定要提交试卷“${this.title}”吗？`));
    const answer = await showDialog({
      title: '提交试卷',
      body: new Widget({ node: body }),
      buttons: [Dialog.cancelButton({ label: '返回作答' }), Dialog.okButton({ label: '确认提交' })]
    });
    if (!answer.button.accept) {
      return;
    }
    const { ok, message } = await this.submitNow(false);
    const done = el('div', { class: ok ? 'qf-submitted' : 'qf-submit-failed' }, message);
    await showDialog({ title: ok ? '已提交' : '提交失败', body: new Widget({ node: done }), buttons: [Dialog.okButton({ label: '知道了' })] });
  }

  /**
   * Save, then submit through nbgrader's `POST /assignments/submit`, record the submission
   * (`POST /qingfeng/sitting`) and lock the paper: the one path for 提交试卷 and for the countdown at zero.
   */
  async submitNow(automatic: boolean): Promise<{ ok: boolean; message: string }> {
    window.clearTimeout(this.saveTimer);
    await this.save();
    const result = await this.refresh(false);
    this.status.textContent = '正在提交……';
    let message: string;
    let ok = false;
    try {
      const course = await this.courseId();
      const reply = await request('assignments/submit', {
        method: 'POST',
        body: JSON.stringify({ course_id: course, assignment_id: this.examId })
      });
      if (reply.success === false) {
        throw new Error(typeof reply.value === 'string' ? reply.value.split('\n').slice(-3).join(' ') : '未知原因');
      }
      const mine = (reply.value || []).filter(
        (a: any) => a.status === 'submitted' && a.assignment_id === this.examId
      );
      const stamps: string[] = mine.flatMap((a: any) => (a.submissions || []).map((s: any) => s.timestamp));
      stamps.sort();
      const stamp = stamps[stamps.length - 1] ?? '';
      const confirmed = await this.refresh(false, stamp);
      const when = confirmed?.submitted_beijing || stamp;
      await request('qingfeng/sitting', {
        method: 'POST',
        body: JSON.stringify({ path: this.path, event: 'submitted', automatic })
      });
      const counts = result ? `提交时已作答 ${result.answered} / 共 ${result.total} 题。` : '';
      message = `${automatic ? '考试时间到，系统已自动保存并提交。' : ''}试卷“${this.title}”已于 ${when}（北京时间）提交成功。${counts}`;
      ok = true;
      this.lock(when);
      window.dispatchEvent(new CustomEvent('qingfeng:submitted', { detail: this.examId })); // 我的考试 shows 已提交
    } catch (e) {
      message = `提交没有成功，请稍后再试或联系考官：${(e as Error).message}`;
    }
    this.status.textContent = ok ? message : '提交没有成功。';
    return { ok, message };
  }
}
