// Before the browser prints: open every chart's data table and size charts to the printed page,
// then put the page back as it was. Dash serves every .js file in assets/ automatically.
// Charts still waiting to be drawn (deferred_charts.js) are drawn as printing starts, after
// this has run, so until printing ends any chart drawn wider than the page is sized too.
(function () {
  "use strict";
  var PRINT_WIDTH = 1000; // px: A4 landscape less 12 mm margins, at 96 px per inch
  var opened = [];
  var resized = [];
  var watcher = null;

  function sizeCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".js-plotly-plot").forEach(function (g) {
      if (g._fullLayout && g._fullLayout.width > PRINT_WIDTH) {
        window.Plotly.relayout(g, { width: PRINT_WIDTH });
        if (resized.indexOf(g) < 0) { resized.push(g); }
      }
    });
  }

  function beforePrint() {
    document.querySelectorAll("details.chart-table:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
    sizeCharts();
    if (!watcher) {
      watcher = new MutationObserver(sizeCharts);
      watcher.observe(document.body, { childList: true, subtree: true });
    }
  }

  function afterPrint() {
    if (watcher) { watcher.disconnect(); watcher = null; }
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    resized.forEach(function (g) {
      window.Plotly.relayout(g, { width: null, autosize: true });
    });
    resized = [];
  }

  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  // Emulated print media (and some browsers' preview) change the media query instead.
  var query = window.matchMedia("print");
  query.addEventListener("change", function (e) { (e.matches ? beforePrint : afterPrint)(); });
})();
