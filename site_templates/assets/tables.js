/* handleplan: sorting and filtering for project tables, and small accessibility fixes. Our own, no dependencies. */
(function () {
  "use strict";

  var collator = new Intl.Collator("da", { numeric: true, sensitivity: "base" });

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.getAttribute("data-sort-value") || cell.textContent.trim();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      if (!th.hasAttribute("data-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", "Sorter efter " + th.textContent.trim());
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var result = collator.compare(cellValue(a, index), cellValue(b, index));
          return ascending ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilterable(form) {
    var table = document.getElementById(form.getAttribute("data-hp-filters-for"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".hp-filters__count");

    function apply() {
      var query = form.elements.q.value.trim().toLocaleLowerCase("da");
      var status = form.elements.status.value;
      var area = form.elements.area.value;
      var scope = form.elements.scope.value;
      var compliance = form.elements.compliance.value;
      var shown = 0;
      rows.forEach(function (row) {
        var visible =
          (!query || row.textContent.toLocaleLowerCase("da").indexOf(query) !== -1) &&
          (!status || row.getAttribute("data-status") === status) &&
          (!area || (" " + row.getAttribute("data-areas") + " ").indexOf(" " + area + " ") !== -1) &&
          (!scope || row.getAttribute("data-scope") === scope) &&
          (!compliance || row.getAttribute("data-compliance") === compliance);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = "Viser " + shown + " af " + rows.length + " projekter.";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  // Material's search overlay is a dialog without a name (axe: aria-dialog-name).
  function nameSearchDialog() {
    var search = document.querySelector(".md-search[role='dialog']");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Søg");
  }

  function init() {
    nameSearchDialog();
    document.querySelectorAll("table[data-hp-sortable]").forEach(makeSortable);
    document.querySelectorAll("form[data-hp-filters-for]").forEach(makeFilterable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
