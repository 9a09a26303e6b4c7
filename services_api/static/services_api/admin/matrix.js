/* Operation matrix helpers for the endpoint admin: per-row "all" / "none" / collapse, and
   endpoint-wide "Enable all" / "Disable all" / "Collapse unused". Plain checkboxes keep
   working without this script. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const group = document.querySelector(".services-matrix");
  if (!group) return;
  const KINDS = ["operations", "actions", "targeted_actions", "relationships"];
  const rows = Array.from(group.querySelectorAll("tr.form-row"));

  function boxes(row) {
    return Array.from(row.querySelectorAll('input[type="checkbox"]')).filter(function (box) {
      return KINDS.some(function (kind) { return box.name.endsWith("-" + kind); });
    });
  }
  function summarize(row) {
    const all = boxes(row);
    const on = all.filter(function (box) { return box.checked; }).length;
    row.querySelectorAll(".matrix-summary").forEach(function (span) {
      span.textContent = on + " of " + all.length + " enabled";
    });
    return on;
  }
  function setAll(row, value) {
    boxes(row).forEach(function (box) { box.checked = value; });
    summarize(row);
  }
  function link(text, handler) {
    const a = document.createElement("a");
    a.textContent = text;
    a.href = "#";
    a.addEventListener("click", function (event) { event.preventDefault(); handler(); });
    return a;
  }

  rows.forEach(function (row) {
    const cells = Array.from(row.querySelectorAll("td")).filter(function (td) {
      return KINDS.some(function (kind) { return td.classList.contains("field-" + kind); });
    });
    if (!cells.length) return;
    cells.forEach(function (td) {
      td.classList.add("matrix-cell");
      const span = document.createElement("span");
      span.className = "matrix-summary";
      td.appendChild(span);
    });
    const tools = document.createElement("span");
    tools.className = "matrix-tools";
    tools.appendChild(link("all", function () { setAll(row, true); }));
    tools.appendChild(link("none", function () { setAll(row, false); }));
    tools.appendChild(link("collapse", function () { row.classList.toggle("matrix-collapsed"); }));
    const first = row.querySelector("td.field-resource") || cells[0];
    first.appendChild(document.createElement("br"));
    first.appendChild(tools);
    row.addEventListener("change", function () { summarize(row); });
    summarize(row);
  });

  const bar = document.createElement("div");
  bar.className = "matrix-bar";
  [["Enable all", function () { rows.forEach(function (r) { setAll(r, true); }); }],
   ["Disable all", function () { rows.forEach(function (r) { setAll(r, false); }); }],
   ["Collapse unused", function () {
     rows.forEach(function (r) { if (!summarize(r)) r.classList.add("matrix-collapsed"); });
   }],
   ["Expand all", function () { rows.forEach(function (r) { r.classList.remove("matrix-collapsed"); }); }],
  ].forEach(function (pair) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = pair[0];
    button.addEventListener("click", pair[1]);
    bar.appendChild(button);
  });
  const table = group.querySelector("table");
  table.parentNode.insertBefore(bar, table);
});
