"""A drag-and-drop list for ordering exercises (anywidget: works in JupyterLab 4 without a build step).

The learner drags items into order; each item also has ↑/↓ buttons for
keyboards and small screens.  ``items`` is the current order, ``touched``
becomes true once the learner has moved anything (an unmoved list is "no
answer yet", never marked).
"""
from __future__ import annotations

import anywidget
import traitlets

__all__ = ["SortableList"]

_ESM = r"""
function render({ model, el }) {
  const list = document.createElement("ol");
  list.className = "qf-sortable";
  let dragged = null;
  const commit = (order) => { model.set("items", order); model.set("touched", true); model.save_changes(); };
  const moveFrom = (from, to) => { const o = model.get("items").slice(); const [x] = o.splice(from, 1); o.splice(to, 0, x); commit(o); };
  const draw = () => {
    list.replaceChildren();
    const items = model.get("items");
    items.forEach((text, i) => {
      const li = document.createElement("li");
      li.draggable = !model.get("disabled");
      li.dataset.index = String(i);
      li.className = "qf-sortable-item";
      const label = document.createElement("span");
      label.className = "qf-sortable-text";
      label.textContent = text;
      const up = document.createElement("button");
      up.textContent = "↑"; up.title = "上移"; up.disabled = i === 0 || model.get("disabled");
      const down = document.createElement("button");
      down.textContent = "↓"; down.title = "下移"; down.disabled = i === items.length - 1 || model.get("disabled");
      up.onclick = () => moveFrom(i, i - 1);
      down.onclick = () => moveFrom(i, i + 1);
      li.addEventListener("dragstart", (e) => { dragged = i; li.classList.add("qf-dragging"); e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", String(i)); });
      li.addEventListener("dragend", () => li.classList.remove("qf-dragging"));
      li.addEventListener("dragover", (e) => { e.preventDefault(); li.classList.add("qf-over"); });
      li.addEventListener("dragleave", () => li.classList.remove("qf-over"));
      li.addEventListener("drop", (e) => {
        e.preventDefault(); li.classList.remove("qf-over");
        const from = dragged !== null ? dragged : Number(e.dataTransfer.getData("text/plain"));
        dragged = null;
        if (Number.isInteger(from) && from !== i) moveFrom(from, i);
      });
      li.append(label, up, down);
      list.append(li);
    });
  };
  model.on("change:items", draw);
  model.on("change:disabled", draw);
  draw();
  el.append(list);
}
export default { render };
"""

_CSS = """
.qf-sortable { padding-left: 2.2em; margin: 4px 0; max-width: 60em; }
.qf-sortable-item { display: flex; align-items: center; gap: 6px; padding: 4px 8px; margin: 3px 0;
  border: 1px solid #9aa9b0; border-radius: 4px; background: #f6f8f9; cursor: grab; }
.qf-sortable-item.qf-dragging { opacity: 0.5; }
.qf-sortable-item.qf-over { border-color: #4F6D7A; background: #e3ecef; }
.qf-sortable-text { flex: 1 1 auto; }
.qf-sortable-item button { min-width: 2em; }
"""


class SortableList(anywidget.AnyWidget):
    _esm = _ESM
    _css = _CSS
    items = traitlets.List(traitlets.Unicode()).tag(sync=True)
    touched = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
