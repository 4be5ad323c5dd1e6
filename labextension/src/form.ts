/**
 * One answer cell drawn as a form, and the literal it writes into the cell source.
 * What a cell currently says is given to the form (AnswerForm.display) by the server's reading; never parsed here.
 */
import { Cell } from '@jupyterlab/cells';
import { Widget } from '@lumino/widgets';

const ANSWER_NAME = '作答';
const OBJECTIVE = ['单选', '多选', '判断', '填空'];
export const REGIONS = /BEGIN (SOLUTION|HIDDEN TESTS|MARK SCHEME)/;

export interface Spec {
  item: string;
  label: string;
  type: string;
  points: number;
  options?: [string, string][];
  blanks?: number;
}

export interface ItemCheck {
  item_id: string;
  label: string;
  type: string;
  state: 'answered' | 'unanswered' | 'partial' | 'unreadable';
  why: string;
  value: string | string[] | null;
  cell_text: string;
  notes: string[];
}

export interface CheckResult {
  items: ItemCheck[];
  total: number;
  answered: number;
  submitted_beijing?: string;
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

export function el<K extends keyof HTMLElementTagNameMap>(
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
export class AnswerForm extends Widget {
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

