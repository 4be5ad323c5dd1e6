/**
 * 清风 qingfeng: a learner's view of a course module in the single-user JupyterLab (`make run`).
 *
 * `make run` serves the learner's course copy and the examiner's exam folder from one JupyterLab, so
 * nbgrader's instructor tools (the English “Nbgrader” menu, the “Create Assignment” side panel and
 * the “Validate” toolbar button) must stay for the examiner.  While a course module is the current
 * tab — a notebook whose metadata has `qingfeng.course` (set on every file in courses/) — the learner
 * sees none of them, nor the other English a module has no use for: the cell-type selector
 * (“Markdown”), the kernel's name (“Python 3 (ipykernel)”), the debugger switch, the cell toolbar
 * and the status bar (“Cell 1/29”).  Switching to any other tab (an exam notebook, the launcher, a
 * file) brings them all back, so the examiner reaches Formgrader from the Nbgrader menu as before.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Menu, Widget } from '@lumino/widgets';

export const COURSE_PANEL = 'qf-course-notebook';
export const COURSE_VIEW = 'qf-course-view';
const NBGRADER_MENU = 'jp-mainmenu-nbgrader';
const NBGRADER_PANEL = 'nbgrader-create_assignemnt'; // nbgrader's own spelling of the widget id
const STATUS_BAR = 'jp-main-statusbar';

const STYLE = `
.${COURSE_PANEL} .jp-NotebookPanel-toolbar > [data-jp-item-name="runAll"],
.${COURSE_PANEL} .jp-NotebookPanel-toolbar > .validate-button,
.${COURSE_PANEL} .jp-NotebookPanel-toolbar > [data-jp-item-name="cellType"],
.${COURSE_PANEL} .jp-NotebookPanel-toolbar > [data-jp-item-name="kernelName"],
.${COURSE_PANEL} .jp-NotebookPanel-toolbar > [data-jp-item-name="debugger-icon"],
.${COURSE_PANEL} .jp-cell-toolbar,
body.${COURSE_VIEW} .jp-SideBar .lm-TabBar-tab[data-id="${NBGRADER_PANEL}"] {
  display: none !important;
}
`;

/** A course module: `qingfeng.course` in the notebook's metadata. */
export function isCourseModule(panel: NotebookPanel): boolean {
  const meta = panel.context.model.getMetadata('qingfeng') as any;
  return !!meta && meta.course === true;
}

interface IMenuBarLike {
  readonly menus: ReadonlyArray<Menu>;
  insertMenu(index: number, menu: Menu): void;
  removeMenu(menu: Menu): void;
}

function menuBar(app: JupyterFrontEnd): IMenuBarLike | null {
  for (const area of ['menu', 'top'] as const) {
    for (const w of app.shell.widgets(area)) {
      const bar = w as unknown as IMenuBarLike;
      if (Array.isArray(bar.menus) && typeof bar.removeMenu === 'function') {
        return bar;
      }
    }
  }
  return null;
}

function shellWidget(app: JupyterFrontEnd, area: 'bottom' | 'right', id: string): Widget | null {
  for (const w of app.shell.widgets(area)) {
    if (w.id === id) {
      return w;
    }
  }
  return null;
}

export function activateCourseView(app: JupyterFrontEnd, tracker: INotebookTracker): void {
  const style = document.createElement('style');
  style.id = 'qf-course-view-style';
  style.textContent = STYLE;
  document.head.appendChild(style);

  let hidden: { menu: Menu; index: number } | null = null;

  const update = (): void => {
    const current = app.shell.currentWidget;
    const course = current instanceof NotebookPanel && current.hasClass(COURSE_PANEL);
    document.body.classList.toggle(COURSE_VIEW, course);
    const bar = menuBar(app);
    if (bar && course && !hidden) {
      const index = bar.menus.findIndex(m => m.id === NBGRADER_MENU);
      if (index >= 0) {
        hidden = { menu: bar.menus[index], index };
        bar.removeMenu(hidden.menu);
      }
    } else if (bar && !course && hidden) {
      bar.insertMenu(Math.min(hidden.index, bar.menus.length), hidden.menu);
      hidden = null;
    }
    const status = shellWidget(app, 'bottom', STATUS_BAR);
    if (status) {
      status.setHidden(course);
    }
    const panel = shellWidget(app, 'right', NBGRADER_PANEL);
    if (course && panel && panel.isVisible) {
      (app.shell as any).collapseRight?.();
    }
  };

  tracker.widgetAdded.connect((_, panel) => {
    void panel.context.ready.then(() => {
      if (isCourseModule(panel)) {
        panel.addClass(COURSE_PANEL);
        update();
      }
    });
  });
  app.shell.currentChanged?.connect(update);
  void app.restored.then(update);
}
