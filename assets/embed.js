// Embeds (/embed/<chart_id>): hide the site's navigation, open every link in a new tab (the site's other
// pages refuse to be shown inside another site's frame), and make town maps shorter on narrow screens
// (plotly fits the map's 640 × 490 box into the width; the height follows). Runs before Dash renders the page.
(function () {
  "use strict";
  if (!/\/embed\/[^/]+\/?$/.test(window.location.pathname)) {
    return;
  }
  var FITTED_WIDTH = 640, FITTED_HEIGHT = 490, KEY_HEIGHT = 70;  // components/maps.py, access/transforms.py
  document.documentElement.classList.add("ct-embed");

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    var href = link ? link.getAttribute("href") : null;
    if (!link || link.hasAttribute("download") || !href || href.charAt(0) === "#") {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    window.open(link.href, "_blank", "noopener");
  }, true);

  function fitMaps() {
    if (!window.Plotly) {
      return;
    }
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      if (!graph.layout || !graph.layout.geo || !graph.clientWidth) {
        return;
      }
      if (graph.ctFittedHeight === undefined) {
        graph.ctFittedHeight = graph.layout.height;
      }
      // the colour key's height: 70 px, more where its labels are turned to fit a narrow width
      var size = graph._fullLayout && graph._fullLayout._size;
      var key = size ? size.t + size.b : KEY_HEIGHT;
      var scale = Math.min(graph.clientWidth / FITTED_WIDTH, 1);
      var height = scale < 1 ? Math.round(key + FITTED_HEIGHT * scale) : graph.ctFittedHeight;
      if (height !== graph.layout.height) {
        window.Plotly.relayout(graph, {"height": height});
      }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(fitMaps, 150);
  }
  window.addEventListener("resize", later);
  function watch() {
    new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
    // the page's width also changes without a window resize: when a taller map brings a scroll bar
    if (window.ResizeObserver) {
      new ResizeObserver(later).observe(document.body);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
