// Before the browser prints: open every chart's data table and size charts to the printed page,
// then put the page back as it was. Dash serves every .js file in assets/ automatically.
(function () {
  "use strict";
  var PRINT_WIDTH = 1000; // px: A4 landscape less 12 mm margins, at 96 px per inch
  var opened = [];
  var resized = [];

  function beforePrint() {
    document.querySelectorAll("details.chart-table:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
    if (window.Plotly) {
      document.querySelectorAll(".js-plotly-plot").forEach(function (g) {
        if (g.offsetWidth > PRINT_WIDTH) {
          window.Plotly.relayout(g, { width: PRINT_WIDTH });
          resized.push(g);
        }
      });
    }
  }

  function afterPrint() {
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
