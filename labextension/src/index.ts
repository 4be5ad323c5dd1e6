/**
 * 清风 qingfeng: the candidate's side of a paper in JupyterLab 4.
 *
 * For a released qingfeng paper (notebook metadata `qingfeng.exam_id`, and no
 * solution, hidden-test or mark-scheme region left in any cell) every answer
 * cell that carries a `qingfeng` spec in its metadata is drawn as a form:
 * radio buttons (单选, 判断), checkboxes (多选), one box per blank (填空), a
 * text area (简答, 论述).  Choosing or typing writes the canonical literal
 * (`作答 = "AC"`, `作答 = ["…", "…"]`) into the cell source, so marking,
 * nbgrader and paper answer sheets see exactly what a typed answer gives.
 * Code and test cells are hidden.  The examiner's source notebook still
 * holds its regions and is left as it is.
 *
 * This file never reads answers itself: what a cell says (answered,
 * unanswered, unreadable and why) comes from the server endpoint
 * `POST /qingfeng/check`, which runs the marking reader
 * (qingfeng.exam.answer_check).  Submitting goes through nbgrader's own
 * `POST /assignments/submit`.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { PanelLayout, Widget } from '@lumino/widgets';

const ANSWER_NAME = '作答';
const OBJECTIVE = ['单选', '多选', '判断', '填空'];
const REGIONS = /BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)/;

interface Spec {
  item: string;
  label: string;
  type: string;
  points: number;
  options?: [string, string][];
  blanks?: number;
}

interface ItemCheck {
  item_id: string;
  label: string;
  type: string;
  state: 'answered' | 'unanswered' | 'partial' | 'unreadable';
  why: string;
  value: string | string[] | null;
  cell_text: string;
  notes: string[];
}

interface CheckResult {
  items: ItemCheck[];
  total: number;
  answered: number;
  submitted_beijing?: string;
}

async function request(path: string, init: RequestInit = {}): Promise<any> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, path);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`服务器返回错误 ${response.status}：${text.slice(0, 200)}`);
  }
  return text ? JSON.parse(text) : {};
}

/** A Python string literal: JSON's escapes are all valid in Python source. */
function pyStr(s: string): string {
  return JSON.stringify(s);
}

/** The source an answer cell gets for a value chosen or typed in its form. */
export function literal(spec: Spec, value: string | string[]): string {
  if (spec.type === '填空') {
    const blanks = value as string[];
    if ((spec.blanks ?? 1) === 1) {
      return `${ANSWER_NAME} = ${pyStr(blanks[0] ?? '')}`;
    }
    return `${ANSWER_NAME} = [${blanks.map(pyStr).join(', ')}]`;
  }
  if (!OBJECTIVE.includes(spec.type)) {
    return value as string; // an essay is the markdown text itself
  }
  return `${ANSWER_NAME} = ${pyStr(value as string)}`;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

const CIRCLED = ['（1）', '（2）', '（3）', '（4）', '（5）', '（6）', '（7）', '（8）', '（9）', '（10）'];

function blankLabel(i: number): string {
  return CIRCLED[i] ?? `（${i + 1}）`;
}

/** The form drawn in place of one answer cell. */
class AnswerForm extends Widget {
  constructor(
    readonly spec: Spec,
    readonly cell: Cell,
    private onChange: (form: AnswerForm) => void
  ) {
    super();
    this.addClass('qf-form');
    this.node.dataset.item = spec.item;
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', `${spec.label}作答`);
    // Keep JupyterLab's notebook from treating clicks and focus in the form as cell selection or editing.
    for (const type of ['mousedown', 'pointerdown', 'focusin', 'dblclick', 'keydown', 'paste', 'copy', 'cut']) {
      this.node.addEventListener(type, e => e.stopPropagation());
    }
    this.build();
  }

  private message = el('div', { class: 'qf-form-message' });

  private build(): void {
    const spec = this.spec;
    const name = `qf-${spec.item}-${Math.random().toString(36).slice(2, 8)}`;
    const body = el('div', { class: 'qf-form-body' });
    if (spec.type === '单选' || spec.type === '判断') {
      const options: [string, string][] =
        spec.type === '判断' ? [['对', '对（正确）'], ['错', '错（错误）']] : spec.options ?? [];
      for (const [value, text] of options) {
        const label = el('label', { class: 'qf-option' });
        const input = el('input', { type: 'radio', name, value });
        input.addEventListener('change', () => this.changed());
        label.append(input, el('span', {}, spec.type === '判断' ? text : `${value}．${text}`));
        body.append(label);
      }
    } else if (spec.type === '多选') {
      for (const [value, text] of spec.options ?? []) {
        const label = el('label', { class: 'qf-option' });
        const input = el('input', { type: 'checkbox', name, value });
        input.addEventListener('change', () => this.changed());
        label.append(input, el('span', {}, `${value}．${text}`));
        body.append(label);
      }
      body.append(el('div', { class: 'qf-hint' }, '多选题：勾选全部正确选项。'));
    } else if (spec.type === '填空') {
      const n = spec.blanks ?? 1;
      for (let i = 0; i < n; i++) {
        const label = el('label', { class: 'qf-blank' });
        const input = el('input', { type: 'text', 'data-blank': String(i + 1), autocomplete: 'off' });
        input.setAttribute('aria-label', `${spec.label}第 ${i + 1} 空`);
        this.watchText(input);
        label.append(el('span', { class: 'qf-blank-number' }, blankLabel(i)), input);
        body.append(label);
      }
    } else {
      const area = el('textarea', { class: 'qf-essay', rows: '8', placeholder: '请在此处作答' });
      area.setAttribute('aria-label', `${spec.label}作答`);
      this.watchText(area);
      body.append(area);
    }
    this.node.append(body, this.message);
  }

  /** Typed text is written when it settles: not in the middle of a Chinese input method's composition. */
  private watchText(input: HTMLInputElement | HTMLTextAreaElement): void {
    input.addEventListener('input', e => {
      if (!(e as InputEvent).isComposing) {
        this.changed();
      }
    });
    input.addEventListener('compositionend', () => this.changed());
  }

  private changed(): void {
    this.cell.model.sharedModel.setSource(literal(this.spec, this.value()));
    this.onChange(this);
  }

  value(): string | string[] {
    const inputs = Array.from(this.node.querySelectorAll('input'));
    switch (this.spec.type) {
      case '单选':
      case '判断':
        return inputs.find(i => i.checked)?.value ?? '';
      case '多选':
        return inputs
          .filter(i => i.checked)
          .map(i => i.value)
          .sort()
          .join('');
      case '填空':
        return inputs.map(i => i.value);
      default:
        return this.node.querySelector('textarea')?.value ?? '';
    }
  }

  /** Show what the server read from the cell (on opening, or after a hand edit). */
  display(check: ItemCheck | undefined, fill: boolean): void {
    if (check && fill) {
      const v = check.value;
      if (this.spec.type === '填空' && Array.isArray(v)) {
        this.node.querySelectorAll('input').forEach((input, i) => (input.value = v[i] ?? ''));
      } else if (this.spec.type === '单选' || this.spec.type === '判断' || this.spec.type === '多选') {
        const chosen = typeof v === 'string' ? v : '';
        this.node.querySelectorAll('input').forEach(input => {
          input.checked = this.spec.type === '多选' ? chosen.includes(input.value) : input.value === chosen;
        });
      } else {
        const area = this.node.querySelector('textarea');
        if (area) {
          area.value = typeof v === 'string' ? v : '';
        }
      }
    }
    this.node.dataset.state = check?.state ?? 'unanswered';
    this.message.textContent = '';
    if (check && check.state === 'unreadable') {
      this.message.append(
        el('strong', {}, '本题现在读不出答案：'),
        document.createTextNode(`${check.why}。请重新选择或填写，系统会替换原来的内容。`)
      );
      if (check.cell_text.trim()) {
        this.message.append(el('div', { class: 'qf-cell-text' }, `原来的内容：${check.cell_text.trim()}`));
      }
    } else if (check && check.state === 'partial') {
      this.message.textContent = check.why;
    }
  }
}

/** Everything the candidate sees on one paper: forms, the bar on top, checking and submitting. */
class CandidatePaper {
  private forms = new Map<string, AnswerForm>();
  private progress = el('span', { class: 'qf-progress' });
  private meter = el('progress', { class: 'qf-meter', max: '1', value: '0' });
  private status = el('span', { class: 'qf-status' });
  private saveTimer = 0;
  private checkTimer = 0;

  constructor(private panel: NotebookPanel) {
    panel.addClass('qf-candidate-panel');
    panel.content.addClass('qf-candidate');
    panel.toolbar.setHidden(true); // run, kernel and cell-type controls are not for candidates
    panel.contentHeader.addWidget(this.bar());
    void this.start();
  }

  get examId(): string {
    return ((this.panel.context.model.getMetadata('qingfeng') as any) || {}).exam_id ?? '';
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
      el('span', { class: 'qf-slot', 'data-slot': 'timer' }), // reserved for a sitting's countdown
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
        waits.push(this.attach(cell, spec));
      } else if (cell.model.type === 'code') {
        cell.addClass('qf-code-cell'); // a cell the candidate added: kept, but shown as it is
      }
    }
    await Promise.all(waits);
    const result = await this.refresh(true);
    if (result) {
      this.status.textContent = '请逐题作答，作答内容会自动保存。';
    }
  }

  private async attach(cell: Cell, spec: Spec): Promise<void> {
    await cell.ready;
    const form = new AnswerForm(spec, cell, () => this.edited());
    (cell.layout as PanelLayout).addWidget(form);
    this.forms.set(spec.item, form);
  }

  private edited(): void {
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
    window.clearTimeout(this.saveTimer);
    await this.save();
    const result = await this.refresh(false);
    if (!result) {
      return;
    }
    const body = this.issueList(result);
    body.prepend(el('p', {}, `提交后，阅卷以最后一次提交的试卷为准。确定要提交试卷 ${this.examId} 吗？`));
    const answer = await showDialog({
      title: '提交试卷',
      body: new Widget({ node: body }),
      buttons: [Dialog.cancelButton({ label: '返回作答' }), Dialog.okButton({ label: '确认提交' })]
    });
    if (!answer.button.accept) {
      return;
    }
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
      message = `试卷 ${this.examId} 已于 ${when}（北京时间）提交成功。提交时已作答 ${result.answered} / 共 ${result.total} 题。`;
      ok = true;
    } catch (e) {
      message = `提交没有成功，请稍后再试或联系考官：${(e as Error).message}`;
    }
    this.status.textContent = ok ? message : '提交没有成功。';
    const done = el('div', { class: ok ? 'qf-submitted' : 'qf-submit-failed' }, message);
    await showDialog({ title: ok ? '已提交' : '提交失败', body: new Widget({ node: done }), buttons: [Dialog.okButton({ label: '知道了' })] });
  }
}

/** A released paper: qingfeng metadata, and no solution, hidden-test or mark-scheme region anywhere. */
function isCandidatePaper(panel: NotebookPanel): boolean {
  const meta = panel.context.model.getMetadata('qingfeng') as any;
  if (!meta || !meta.exam_id) {
    return false;
  }
  const cells = panel.context.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (REGIONS.test(cells.get(i).sharedModel.getSource())) {
      return false; // the examiner's source, or an autograded copy
    }
  }
  return true;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'qingfeng-exam:candidate',
  description: '清风：考生作答表单、检查试卷与提交',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker) => {
    tracker.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        if (isCandidatePaper(panel)) {
          new CandidatePaper(panel);
        }
      });
    });
  }
};

export default plugin;
