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
 * `POST /assignments/submit`.  The 我的考试 sidebar (paper_list.ts) fetches
 * papers and feedback.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { REGIONS } from './form';
import { Countdown } from './countdown';
import { CandidatePaper } from './paper';
import { activateCourseView } from './course_view';
import { paperListPlugin } from './paper_list';

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
    activateCourseView(app, tracker); // course modules: no English instructor tools (course_view.ts)
    tracker.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        if (isCandidatePaper(panel)) {
          void new Countdown(new CandidatePaper(panel)).start(); // countdown.ts: timed sittings, lock after submission
        }
      });
    });
  }
};

export default [plugin, paperListPlugin];
