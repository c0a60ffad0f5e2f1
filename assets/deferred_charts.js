// Draw each chart when it comes near the viewport, and the rest one at a time when the browser
// is idle, so a chart-heavy page answers input as soon as its first chart is up. Before
// printing, every chart still waiting is drawn. A waiting chart's graph sits in a frame with
// the class "chart-pending"; drawing it means setting its {"type": "chart-show"} store, which
// a clientside callback (callbacks/charts.py) answers by moving the figure into the graph.
(function () {
  "use strict";
  var asked = new Set(); // frames whose drawing has been asked for and not yet done

  function show(frame) {
    if (asked.has(frame) || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    var id;
    try { id = JSON.parse(frame.id); } catch (e) { return; }
    asked.add(frame);
    window.dash_clientside.set_props({ type: "chart-show", chart: id.chart }, { data: true });
  }

  function pending() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".chart-pending"), function (g) { return !asked.has(g); });
  }

  var nearView = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        nearView.unobserve(entry.target);
        show(entry.target);
      }
    });
  }, { rootMargin: "200px 0px" });

  var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 200); };
  var idleQueued = false;
  function drawNextWhenIdle() {
    if (idleQueued) { return; }
    idleQueued = true;
    idle(function () {
      idleQueued = false;
      var next = pending()[0];
      if (next) {
        show(next);
        drawNextWhenIdle();
      }
    }, { timeout: 3000 });
  }

  function watch() {
    // A drawn frame loses "chart-pending"; new filters bring it back on the same element.
    asked.forEach(function (g) {
      if (!g.isConnected || !g.classList.contains("chart-pending")) { asked.delete(g); }
    });
    pending().forEach(function (g) { nearView.observe(g); });
    drawNextWhenIdle();
  }

  new MutationObserver(watch).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("beforeprint", function () { pending().forEach(show); });
  window.matchMedia("print").addEventListener("change", function (e) {
    if (e.matches) { pending().forEach(show); }
  });
})();
