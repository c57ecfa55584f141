// Lineage diagrams: fit the picture to its frame, then zoom and pan it with the
// buttons, Ctrl (or Cmd) + wheel, a drag, a pinch, or the keys + - 0 and arrows.
// A narrow frame (a phone) opens at a readable size on what the page is about.
// Local and small on purpose: the site loads nothing from elsewhere (see its CSP).
(function () {
  "use strict";
  var PT = 4 / 3; // CSS pixels per unit of the SVG (Graphviz draws in points)
  var READABLE = 0.75; // a narrow frame opens at no less than 3/4 of the natural size
  var NARROW = 700; // frames narrower than this (px) open readable rather than whole
  var MOST = 4; // the largest zoom, in natural sizes
  var STEP = 1.4;

  function setup(figure) {
    var frame = figure.querySelector(".ropa-diagram-frame");
    var svg = frame && frame.querySelector("svg");
    var box = svg && svg.viewBox && svg.viewBox.baseVal;
    if (!box || !box.width || !box.height) return;
    var full = { x: box.x, y: box.y, w: box.width, h: box.height };
    var width = 0, height = 0, fit = 1; // the frame, and the zoom showing all of the picture
    var view = { x: 0, y: 0, z: 1 }; // the point shown at the frame's centre; px per unit
    var touched = false; // the reader moved the view: a resize keeps it
    frame.classList.add("ropa-zoomable");
    frame.setAttribute("tabindex", "0");

    var tools = document.createElement("div");
    tools.className = "ropa-diagram-tools";
    function button(text, label, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", function (event) {
        event.preventDefault();
        touched = true;
        action();
      });
      tools.appendChild(b);
      return b;
    }
    var zoomOut = button("\u2212", "Zoom out", function () { zoomBy(1 / STEP); });
    var zoomIn = button("+", "Zoom in", function () { zoomBy(STEP); });
    var whole = button("Fit", "Show the whole diagram", function () { reset(false); });
    var natural = button("1:1", "Natural size", function () { view.z = PT; show(); });
    var hint = document.createElement("span");
    hint.className = "ropa-diagram-hint";
    hint.textContent = "Drag to move; zoom with + and \u2212, Ctrl + wheel or a pinch.";
    var bar = document.createElement("div");
    bar.className = "ropa-diagram-bar";
    bar.appendChild(hint);
    bar.appendChild(tools);
    figure.insertBefore(bar, frame);

    function clamp(value, low, high) { return Math.max(low, Math.min(high, value)); }

    function measure() {
      width = frame.clientWidth;
      var narrow = width < NARROW;
      var tallest = window.innerHeight * (narrow ? 0.7 : 0.8);
      var across = Math.min(PT, width / full.w);
      var opening = narrow ? Math.max(across, READABLE * PT) : across;
      height = Math.max(120, Math.min(full.h * Math.min(opening, PT), tallest));
      svg.style.height = height + "px";
      fit = Math.min(PT, width / full.w, height / full.h);
      return narrow ? Math.max(fit, Math.min(opening, PT)) : fit;
    }

    function show() {
      view.z = clamp(view.z, fit, MOST * PT);
      var w = width / view.z, h = height / view.z;
      view.x = w >= full.w ? full.x + full.w / 2 : clamp(view.x, full.x + w / 2, full.x + full.w - w / 2);
      view.y = h >= full.h ? full.y + full.h / 2 : clamp(view.y, full.y + h / 2, full.y + full.h - h / 2);
      svg.setAttribute("viewBox", [view.x - w / 2, view.y - h / 2, w, h].join(" "));
      var zoomed = w < full.w - 0.5 || h < full.h - 0.5;
      frame.classList.toggle("ropa-zoomed", zoomed);
      zoomOut.disabled = view.z <= fit * 1.001;
      zoomIn.disabled = view.z >= MOST * PT * 0.999;
      whole.disabled = !zoomed;
      natural.disabled = Math.abs(view.z - PT) < 0.001 || fit >= PT;
    }

    // Where a point of the frame (px from its top left) lies in the picture's units.
    function unitsAt(px, py) {
      return { x: view.x + (px - width / 2) / view.z, y: view.y + (py - height / 2) / view.z };
    }

    function zoomBy(factor, px, py) {
      if (px === undefined) { px = width / 2; py = height / 2; }
      var at = unitsAt(px, py);
      view.z = clamp(view.z * factor, fit, MOST * PT);
      view.x = at.x - (px - width / 2) / view.z;
      view.y = at.y - (py - height / 2) / view.z;
      show();
    }

    // What the page is about (the nodes of class "focus"), else the leftmost node, where
    // data enters; in the picture's units. A narrow frame opens there.
    function subject() {
      var origin = svg.getBoundingClientRect();
      var focus = svg.querySelectorAll("g.node.focus");
      var nodes = focus.length ? focus : svg.querySelectorAll("g.node");
      var around = null;
      Array.prototype.forEach.call(nodes, function (node) {
        var r = node.getBoundingClientRect();
        if (!focus.length && around && r.left >= around.left) return;
        around = focus.length && around ? {
          left: Math.min(around.left, r.left), right: Math.max(around.right, r.right),
          top: Math.min(around.top, r.top), bottom: Math.max(around.bottom, r.bottom)
        } : { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      });
      if (!around) return null;
      var left = unitsAt(around.left - origin.left, 0).x;
      var right = unitsAt(around.right - origin.left, 0).x;
      var middle = unitsAt(0, (around.top + around.bottom) / 2 - origin.top).y;
      return { x: focus.length ? (left + right) / 2 : left, y: middle, atLeft: !focus.length };
    }

    function reset(opening) {
      var zoom = measure();
      view.z = fit;
      view.x = full.x + full.w / 2;
      view.y = full.y + full.h / 2;
      show();
      if (!opening || zoom <= fit * 1.001) return;
      var target = subject();
      view.z = zoom;
      if (target) {
        // the subject at the centre; the left edge's nodes a little in from the left
        view.x = target.atLeft ? target.x + width / 2 / zoom - 12 / zoom : target.x;
        view.y = target.y;
      }
      show();
    }

    // Drag to pan (a click that does not move still follows a link), pinch to zoom.
    var pointers = {};
    var drag = null;
    var swallowClick = false;
    function count() { return Object.keys(pointers).length; }
    function spread() {
      var p = Object.keys(pointers).map(function (k) { return pointers[k]; });
      return {
        d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y),
        x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2
      };
    }
    svg.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      drag = { x: event.clientX, y: event.clientY, moving: false, pinch: count() === 2 ? spread() : null };
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || !pointers[event.pointerId]) return;
      var last = pointers[event.pointerId];
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      var rect = svg.getBoundingClientRect();
      if (count() === 2 && drag.pinch) {
        var now = spread();
        if (drag.pinch.d > 0) zoomBy(now.d / drag.pinch.d, now.x - rect.left, now.y - rect.top);
        drag.pinch = now;
        drag.moving = true;
        touched = true;
        return;
      }
      if (!drag.moving && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 5) return;
      if (!drag.moving) {
        drag.moving = true;
        frame.classList.add("ropa-dragging");
        if (svg.setPointerCapture) svg.setPointerCapture(event.pointerId);
      }
      touched = true;
      view.x -= (event.clientX - last.x) / view.z;
      view.y -= (event.clientY - last.y) / view.z;
      show();
    });
    function release(event) {
      delete pointers[event.pointerId];
      if (drag && drag.moving) swallowClick = true;
      if (!count()) { drag = null; frame.classList.remove("ropa-dragging"); }
      else if (drag) drag.pinch = null;
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    // A drag ends with a click on whatever lies under the pointer: not a link to follow.
    svg.addEventListener("click", function (event) {
      if (swallowClick) { event.preventDefault(); event.stopPropagation(); }
      swallowClick = false;
    }, true);

    svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return; // the wheel alone scrolls the page
      event.preventDefault();
      touched = true;
      var rect = svg.getBoundingClientRect();
      zoomBy(Math.exp(-event.deltaY * 0.002), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });

    frame.addEventListener("keydown", function (event) {
      if (event.target !== frame) return;
      var pan = 60 / view.z;
      var keys = {
        "+": function () { zoomBy(STEP); }, "=": function () { zoomBy(STEP); },
        "-": function () { zoomBy(1 / STEP); }, "0": function () { reset(false); },
        ArrowLeft: function () { view.x -= pan; show(); }, ArrowRight: function () { view.x += pan; show(); },
        ArrowUp: function () { view.y -= pan; show(); }, ArrowDown: function () { view.y += pan; show(); }
      };
      var action = keys[event.key];
      if (!action || (event.key.indexOf("Arrow") === 0 && !frame.classList.contains("ropa-zoomed"))) return;
      event.preventDefault();
      touched = true;
      action();
    });

    var lastWidth = -1;
    function resized() {
      // hidden (no width yet): wait for the frame to be shown
      if (!frame.clientWidth || frame.clientWidth === lastWidth) return;
      lastWidth = frame.clientWidth;
      if (!touched) { reset(true); return; }
      measure();
      show();
    }
    if (window.ResizeObserver) new ResizeObserver(resized).observe(frame);
    else window.addEventListener("resize", resized);
    resized();
  }

  // A flow's tooltip is written once, on its label (registry/outputs/site/diagrams.py,
  // compact): the two halves of its line, which link to the same page, get it back.
  function lineTooltips(svg) {
    var byLink = {};
    Array.prototype.forEach.call(svg.querySelectorAll("g.node.flow a"), function (a) {
      var title = a.getAttribute("xlink:title");
      if (title) byLink[a.getAttribute("xlink:href")] = title;
    });
    Array.prototype.forEach.call(svg.querySelectorAll("g.edge a"), function (a) {
      var link = a.getAttributeNode("xlink:href"); // its namespace is XLink's
      var title = link && byLink[link.value];
      if (title && !a.hasAttribute("xlink:title")) {
        a.setAttributeNS(link.namespaceURI, "xlink:title", title);
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".ropa-diagram-frame svg"), lineTooltips);
    Array.prototype.forEach.call(document.querySelectorAll(".ropa-diagram"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
