// Embeds (/embed/<chart_id>): hide the site's navigation, open every link in a new tab (the site's other
// pages refuse to be shown inside another site's frame), and zoom town maps out on narrow screens (the
// server fits the towns into a 640-px-wide map). Runs before Dash renders the page.
(function () {
  "use strict";
  if (!/\/embed\/[^/]+\/?$/.test(window.location.pathname)) {
    return;
  }
  var FITTED_WIDTH = 640, FITTED_HEIGHT = 490, KEY_HEIGHT = 70;  // components/maps.py, dashboards/_access.py
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
      var map = graph.layout && graph.layout.map;
      if (!map || typeof map.zoom !== "number" || !graph.clientWidth) {
        return;
      }
      if (graph.ctFittedZoom === undefined) {
        graph.ctFittedZoom = map.zoom;
        graph.ctFittedHeight = graph.layout.height;
      }
      var scale = Math.min(graph.clientWidth / FITTED_WIDTH, 1);
      var zoom = graph.ctFittedZoom + Math.log2(scale);
      var height = scale < 1 ? Math.round(KEY_HEIGHT + FITTED_HEIGHT * scale) : graph.ctFittedHeight;
      if (Math.abs(zoom - map.zoom) > 0.01 || height !== graph.layout.height) {
        window.Plotly.relayout(graph, {"map.zoom": zoom, "height": height});
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
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
