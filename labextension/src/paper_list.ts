/**
 * 我的考试: the candidate's papers in the left sidebar, in Chinese — fetch, open, see feedback.
 *
 * The rows come from the server endpoint `GET /qingfeng/papers`, which asks
 * nbgrader's own assignment-list manager (the one behind nbgrader's English
 * Assignments panel) and adds each exam's Chinese title and deadline from the
 * paper itself (qingfeng.exam.candidate_papers).  领取试卷 and 查看反馈 go through
 * `POST /qingfeng/papers/fetch` and `/qingfeng/papers/feedback`, which report
 * nbgrader's failures in Chinese instead of dropping them.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IFrame, MainAreaWidget } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { el } from './form';
import { request } from './paper';

/** One paper as the server describes it (qingfeng.exam.candidate_papers.PaperRow). */
export interface PaperRow {
  course_id: string;
  exam_id: string;
  title: string;
  deadline: string;
  state: 'released' | 'fetched' | 'submitted';
  status: string;
  fetched: boolean;
  can_fetch: boolean;
  notebook: string;
  submissions: number;
  last_submitted: string;
  feedback: 'none' | 'ready' | 'fetched';
  feedback_file: string;
}

interface Listing {
  success: boolean;
  unavailable?: boolean; // nbgrader's assignment_list server extension is off here (staff servers)
  papers?: PaperRow[];
  message?: string;
  error?: string;
  detail?: string;
}

/** Fired by the paper (paper.ts) after a successful submission, so the list shows 已提交 at once. */
export const SUBMITTED_EVENT = 'qingfeng:submitted';

const PANEL_ID = 'qingfeng-my-exams';
const REFRESH_MS = 60_000;

const examIcon = new LabIcon({
  name: 'qingfeng-exam:my-exams',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<path class="jp-icon3" fill="#616161" d="M6 2h9l5 5v15H6V2zm8 1.5V8h4.5L14 3.5zM8.5 11v1.5h9V11h-9zm0 3.5V16h9v-1.5h-9zm0 3.5v1.5h6V18h-6z"/>' +
    '</svg>'
});

/** The sidebar panel: a heading, 刷新, a message line and one card per paper. */
export class PaperList extends Widget {
  private list = el('div', { class: 'qf-paper-rows' });
  private message = el('div', { class: 'qf-paper-message' });
  private timer = 0;
  private busy = false;
  /** This server does not hand out papers (nbgrader's assignment_list is off): nothing to show. */
  unavailable = false;

  constructor(private app: JupyterFrontEnd) {
    super();
    this.id = PANEL_ID;
    this.addClass('qf-paper-list');
    this.title.icon = examIcon;
    this.title.caption = '我的考试';
    const refresh = el('button', { class: 'qf-button qf-refresh', type: 'button' }, '刷新');
    refresh.addEventListener('click', () => void this.refresh());
    const head = el('div', { class: 'qf-paper-head' });
    head.append(el('h2', {}, '我的考试'), refresh);
    this.node.append(head, this.message, this.list);
    window.addEventListener(SUBMITTED_EVENT, () => void this.refresh());
  }

  protected onAfterShow(): void {
    void this.refresh();
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => void this.refresh(), REFRESH_MS); // feedback released meanwhile
  }

  protected onAfterHide(): void {
    window.clearInterval(this.timer);
  }

  dispose(): void {
    window.clearInterval(this.timer);
    super.dispose();
  }

  private say(text: string, detail = '', error = false): void {
    this.message.replaceChildren();
    this.message.classList.toggle('qf-paper-error', error);
    if (text) {
      this.message.append(el('p', {}, text));
    }
    if (detail) {
      this.message.append(el('p', { class: 'qf-paper-detail' }, `供考官参考：${detail}`));
    }
  }

  /** Ask the server for the list; `papers` if it could be read. */
  async refresh(): Promise<PaperRow[] | null> {
    if (this.busy) {
      return null;
    }
    try {
      return this.render((await request('qingfeng/papers')) as Listing);
    } catch (e) {
      this.say(`暂时无法读取考试列表：${(e as Error).message}`, '', true);
      return null;
    }
  }

  private render(listing: Listing): PaperRow[] | null {
    this.unavailable = !!listing.unavailable;
    if (!listing.success) {
      this.say(listing.message || '暂时无法读取考试列表。', listing.detail || '', true);
      return null;
    }
    const papers = listing.papers || [];
    if (listing.error) {
      this.say(listing.error, listing.detail || '', true);
    } else {
      this.say(papers.length ? '' : '目前没有发给你的试卷。考官发卷后，点“刷新”即可看到。');
    }
    this.list.replaceChildren(...papers.map(p => this.card(p)));
    return papers;
  }

  private card(p: PaperRow): HTMLElement {
    const card = el('div', { class: `qf-paper qf-paper-${p.state}`, 'data-exam': p.exam_id });
    card.append(el('h3', { class: 'qf-paper-title' }, p.title));
    const facts = el('dl', { class: 'qf-paper-facts' });
    const fact = (name: string, value: string, cls: string) => {
      facts.append(el('dt', {}, name), el('dd', { class: cls }, value));
    };
    fact('截止时间', p.deadline, 'qf-paper-deadline');
    fact('状态', p.status, 'qf-paper-status');
    if (p.last_submitted) {
      fact('最后提交', `${p.last_submitted}（北京时间）`, 'qf-paper-last');
    }
    if (p.submissions) {
      fact('反馈', p.feedback === 'none' ? '尚未发还' : '已发还', 'qf-paper-feedback');
    }
    card.append(facts);
    const actions = el('div', { class: 'qf-paper-actions' });
    const button = (text: string, cls: string, act: (b: HTMLButtonElement) => Promise<void>) => {
      const b = el('button', { class: `qf-button ${cls}`, type: 'button' }, text);
      b.addEventListener('click', () => void this.run(b, act));
      actions.append(b);
    };
    if (p.can_fetch) {
      button('领取试卷', 'qf-fetch qf-primary', () => this.fetch(p));
    }
    if (p.fetched && p.notebook) {
      button('打开试卷', 'qf-open', () => this.open(p.notebook));
    }
    if (p.feedback !== 'none') {
      button('查看反馈', 'qf-feedback', () => this.feedback(p));
    }
    card.append(actions);
    return card;
  }

  /** One action at a time; its button says what is happening. */
  private async run(b: HTMLButtonElement, act: (b: HTMLButtonElement) => Promise<void>): Promise<void> {
    if (this.busy) {
      return;
    }
    this.busy = true;
    const label = b.textContent;
    b.disabled = true;
    b.textContent = '请稍候……';
    try {
      await act(b);
    } catch (e) {
      this.say(`操作没有成功：${(e as Error).message}`, '', true);
    } finally {
      this.busy = false;
      b.disabled = false;
      b.textContent = label;
    }
  }

  private async act(path: string, p: PaperRow): Promise<PaperRow | null> {
    const listing = (await request(path, {
      method: 'POST',
      body: JSON.stringify({ course_id: p.course_id, exam_id: p.exam_id })
    })) as Listing;
    const papers = this.render(listing);
    if (!papers || listing.error) {
      return null;
    }
    return papers.find(x => x.course_id === p.course_id && x.exam_id === p.exam_id) ?? null;
  }

  private async fetch(p: PaperRow): Promise<void> {
    const now = await this.act('qingfeng/papers/fetch', p);
    if (!now) {
      return;
    }
    if (!now.notebook) {
      this.say('试卷已领取，但没有找到试卷文件，请联系考官。', '', true);
      return;
    }
    this.say(`已领取“${now.title}”，正在打开试卷。`);
    await this.open(now.notebook);
  }

  private async open(path: string): Promise<void> {
    await this.app.commands.execute('docmanager:open', { path });
  }

  private async feedback(p: PaperRow): Promise<void> {
    let row: PaperRow | null = p;
    if (p.feedback !== 'fetched') {
      row = await this.act('qingfeng/papers/feedback', p);
    }
    if (!row) {
      return;
    }
    if (row.feedback !== 'fetched' || !row.feedback_file) {
      this.say('反馈还没有发还，请稍后再看。');
      return;
    }
    this.say('');
    const settings = ServerConnection.makeSettings();
    // a static page: no scripts, no forms; same origin with a referrer, else the server refuses it (origin null)
    const frame = new IFrame({ sandbox: ['allow-same-origin'], referrerPolicy: 'same-origin' });
    frame.url = URLExt.join(settings.baseUrl, 'files', URLExt.encodeParts(row.feedback_file));
    const widget = new MainAreaWidget({ content: frame });
    widget.id = `qingfeng-feedback-${row.course_id}-${row.exam_id}`;
    widget.addClass('qf-feedback-view');
    widget.title.label = `反馈：${row.title}`;
    widget.title.closable = true;
    const old = Array.from(this.app.shell.widgets('main')).find(w => w.id === widget.id);
    old?.dispose();
    this.app.shell.add(widget, 'main');
    this.app.shell.activateById(widget.id);
  }
}

/** The sidebar panel; it opens by itself when a paper waits to be fetched or feedback to be read. */
export const paperListPlugin: JupyterFrontEndPlugin<void> = {
  id: 'qingfeng-exam:my-exams',
  description: '清风：我的考试（领取试卷、打开试卷、查看反馈）',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    const panel = new PaperList(app);
    app.shell.add(panel, 'left', { rank: 50 });
    app.commands.addCommand('qingfeng:my-exams', {
      label: '我的考试',
      execute: () => app.shell.activateById(PANEL_ID)
    });
    void app.restored.then(async () => {
      const papers = await panel.refresh();
      if (panel.unavailable) {
        panel.dispose(); // an examiner's or trainer's server on the Hub: no papers are handed out here
        return;
      }
      if (papers && papers.some(p => p.can_fetch || p.feedback === 'ready')) {
        app.shell.activateById(PANEL_ID);
      }
    });
  }
};
