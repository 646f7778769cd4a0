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
      button.setAttribute("aria-label", "Sortér efter " + th.textContent.trim());
      button.title = "Klik for at sortere";
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

  // "tekst", not "q": Material opens its search box for a ?q= in the address.
  var FILTERS = ["tekst", "status", "area", "scope", "compliance"];

  function matchesCompliance(row, wanted) {
    var state = row.getAttribute("data-compliance");
    if (wanted === "action") return state === "error" || state === "warning";
    return state === wanted;
  }

  // Filters live in the URL (?status=execution&compliance=warning), so a filtered view can be shared.
  function makeFilterable(form) {
    var table = document.getElementById(form.getAttribute("data-hp-filters-for"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".hp-filters__count");
    var fields = FILTERS.map(function (name) { return form.elements[name]; }).filter(Boolean);
    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (field) {
      var value = params.get(field.name);
      if (value === null) return;
      if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) return;
      field.value = value;
    });

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "hp-filters__reset";
    reset.textContent = "Nulstil filtrene";
    reset.addEventListener("click", function () {
      fields.forEach(function (field) { field.value = ""; });
      apply();
      fields[0].focus();
    });
    var empty = document.createElement("div");
    empty.className = "hp-filters__empty";
    empty.hidden = true;
    table.parentNode.parentNode.insertBefore(empty, table.parentNode);

    function noun(n) { return n === 1 ? "projekt" : "projekter"; }

    function apply() {
      var query = form.elements.tekst.value.trim().toLocaleLowerCase("da");
      var wanted = {};
      fields.forEach(function (field) { wanted[field.name] = field.value; });
      var shown = 0;
      rows.forEach(function (row) {
        var visible =
          (!query || row.textContent.toLocaleLowerCase("da").indexOf(query) !== -1) &&
          (!wanted.status || row.getAttribute("data-status") === wanted.status) &&
          (!wanted.area || (" " + row.getAttribute("data-areas") + " ").indexOf(" " + wanted.area + " ") !== -1) &&
          (!wanted.scope || row.getAttribute("data-scope") === wanted.scope) &&
          (!wanted.compliance || matchesCompliance(row, wanted.compliance));
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      var filtered = fields.some(function (field) { return field.value; });
      count.textContent = filtered
        ? "Viser " + shown + " af " + rows.length + " " + noun(rows.length) + "."
        : "Viser alle " + rows.length + " " + noun(rows.length) + ".";
      if (filtered) {
        count.appendChild(document.createTextNode(" "));
        count.appendChild(reset);
      }
      table.hidden = shown === 0;
      empty.hidden = shown !== 0;
      if (shown === 0) showEmpty(query);
      var url = new URL(window.location.href);
      fields.forEach(function (field) {
        if (field.value) url.searchParams.set(field.name, field.value);
        else url.searchParams.delete(field.name);
      });
      window.history.replaceState(null, "", url.toString());
    }

    // An empty result says why and offers a way on: a reset, and the list of every project for a search.
    function showEmpty(query) {
      // Rebuilt only when the search changes: leaving the search field fires "change", and a rebuild
      // then would remove the very link being clicked.
      if (empty.getAttribute("data-query") === query && empty.firstChild) return;
      empty.setAttribute("data-query", query);
      empty.textContent = "";
      var text = document.createElement("p");
      text.textContent = "Ingen projekter i denne tabel passer til filtrene. ";
      text.appendChild(reset);
      empty.appendChild(text);
      var all = form.getAttribute("data-hp-all-projects");
      if (query && all) {
        var hint = document.createElement("p");
        var link = document.createElement("a");
        link.href = all + "?tekst=" + encodeURIComponent(form.elements.tekst.value.trim());
        link.textContent = "Søg efter »" + form.elements.tekst.value.trim() + "« blandt alle projekter";
        hint.appendChild(document.createTextNode("Tabellen viser kun en del af projekterne. "));
        hint.appendChild(link);
        hint.appendChild(document.createTextNode(" – også idéer, afsluttede og stoppede."));
        empty.appendChild(hint);
      }
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  // Project and focus-area pages are not in the navigation (it would make the build quadratic):
  // their breadcrumb names the tab they belong under, and this marks it.
  function markParentTab() {
    var crumb = document.querySelector("[data-hp-tab]");
    if (!crumb) return;
    var target = new URL(crumb.getAttribute("data-hp-tab"), window.location.href).pathname;
    document.querySelectorAll(".md-tabs__item").forEach(function (item) {
      var link = item.querySelector("a.md-tabs__link");
      if (!link) return;
      var active = new URL(link.href, window.location.href).pathname === target;
      item.classList.toggle("md-tabs__item--active", active);
    });
  }

  // Material's search overlay is a dialog without a name (axe: aria-dialog-name).
  function nameSearchDialog() {
    var search = document.querySelector(".md-search[role='dialog']");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Søg");
  }

  // A table wider than the page scrolls in its wrapper: keyboard users must be able to reach it
  // (axe: scrollable-region-focusable). Only a wrapper that scrolls becomes a tab stop.
  function focusableWhenScrolling() {
    document.querySelectorAll(".hp-table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() + ", " : "") + "tabel, der kan rulles vandret");
      } else if (!scrolls && wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function init() {
    focusableWhenScrolling();
    window.addEventListener("resize", focusableWhenScrolling);
    nameSearchDialog();
    markParentTab();
    document.querySelectorAll("table[data-hp-sortable]").forEach(makeSortable);
    document.querySelectorAll("form[data-hp-filters-for]").forEach(makeFilterable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
