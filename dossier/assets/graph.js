// Zoom, pan and neighbour emphasis for the graphs dossier draws at build time (dossier/graph.py).
// The SVG works without this script: it fits its column and every node is a link. The script adds
// +/−/reset buttons, Ctrl + wheel and two-finger pinch zoom, dragging to pan once zoomed, and, on
// hover or keyboard focus of a node, brings out its neighbours and dims the rest.
(() => {
  "use strict";
  const MAX = 8; // the deepest zoom; 1 is the whole picture, the least
  const STEP = 1.5; // one press of a zoom button
  const DRAG = 4; // pixels a pointer must move before a press counts as a drag, not a click

  const button = (label, text) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "md-button graph-button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    return b;
  };

  const setUp = (svg) => {
    const view = svg.querySelector(".graph-view");
    const figure = svg.closest("figure");
    if (!view || !figure) return;
    const box = svg.viewBox.baseVal;
    let k = 1;
    let tx = 0;
    let ty = 0;

    // --- zoom and pan: one transform on the drawing's group, kept covering the viewBox --------
    const apply = () => {
      // The scaled drawing must cover the viewBox: never pan past its edges.
      tx = Math.min(box.x * (1 - k), Math.max((box.x + box.width) * (1 - k), tx));
      ty = Math.min(box.y * (1 - k), Math.max((box.y + box.height) * (1 - k), ty));
      view.setAttribute("transform", `translate(${tx.toFixed(2)} ${ty.toFixed(2)}) scale(${k.toFixed(3)})`);
      svg.classList.toggle("is-zoomed", k > 1);
      status.textContent = k > 1 ? `Zoom ${Math.round(k * 100)}%` : "";
    };
    // Zoom to `next` keeping the point (x, y) of the viewBox where it is.
    const zoomAt = (next, x, y) => {
      const to = Math.min(MAX, Math.max(1, next));
      tx = x - ((x - tx) * to) / k;
      ty = y - ((y - ty) * to) / k;
      k = to;
      apply();
    };
    const middle = () => [box.x + box.width / 2, box.y + box.height / 2];
    const toViewBox = (clientX, clientY) => {
      const matrix = svg.getScreenCTM();
      if (!matrix) return middle();
      const p = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
      return [p.x, p.y];
    };

    const controls = document.createElement("div");
    controls.className = "graph-controls";
    controls.setAttribute("role", "group");
    controls.setAttribute("aria-label", "Zoom the graph");
    const zoomIn = button("Zoom in", "+");
    const zoomOut = button("Zoom out", "\u2212");
    const reset = button("Reset zoom", "Reset");
    const status = document.createElement("span");
    status.className = "graph-zoom-status";
    status.setAttribute("aria-live", "polite");
    controls.append(zoomIn, zoomOut, reset, status);
    figure.insertBefore(controls, figure.firstChild);
    zoomIn.addEventListener("click", () => zoomAt(k * STEP, ...middle()));
    zoomOut.addEventListener("click", () => zoomAt(k / STEP, ...middle()));
    reset.addEventListener("click", () => {
      k = 1;
      tx = 0;
      ty = 0;
      apply();
    });

    // Ctrl + wheel (and a trackpad's pinch, which the browser sends as one) zooms; a plain wheel
    // keeps scrolling the page, so the graph never traps a reader scrolling past it.
    svg.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey && !event.metaKey) return;
        event.preventDefault();
        zoomAt(k * Math.exp(-event.deltaY * 0.002), ...toViewBox(event.clientX, event.clientY));
      },
      { passive: false },
    );

    // Pointers: one drags the zoomed picture, two pinch. A press that moves less than DRAG pixels
    // stays a click, so node links keep working.
    const pointers = new Map();
    let moved = false;
    let pinch = 0;
    svg.addEventListener("pointerdown", (event) => {
      pointers.set(event.pointerId, [event.clientX, event.clientY, event.clientX, event.clientY]);
      if (pointers.size === 1) moved = false;
      if (pointers.size === 2) pinch = spread();
    });
    const spread = () => {
      const [a, b] = [...pointers.values()];
      return Math.hypot(a[0] - b[0], a[1] - b[1]);
    };
    svg.addEventListener("pointermove", (event) => {
      const p = pointers.get(event.pointerId);
      if (!p) return;
      const [lastX, lastY] = toViewBox(p[0], p[1]);
      p[0] = event.clientX;
      p[1] = event.clientY;
      if (Math.hypot(p[0] - p[2], p[1] - p[3]) > DRAG && !moved) {
        moved = true;
        svg.setPointerCapture(event.pointerId);
      }
      if (!moved) return;
      if (pointers.size === 2) {
        const now = spread();
        const [a, b] = [...pointers.values()];
        if (pinch > 0) zoomAt((k * now) / pinch, ...toViewBox((a[0] + b[0]) / 2, (a[1] + b[1]) / 2));
        pinch = now;
      } else if (k > 1) {
        const [x, y] = toViewBox(p[0], p[1]);
        tx += x - lastX;
        ty += y - lastY;
        apply();
      }
    });
    const release = (event) => {
      pointers.delete(event.pointerId);
      pinch = 0;
    };
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    // A drag that ends on a node is not a click on it.
    svg.addEventListener(
      "click",
      (event) => {
        if (moved) {
          event.preventDefault();
          event.stopPropagation();
          moved = false;
        }
      },
      true,
    );

    // Keys, while focus is in the figure: + and − zoom, 0 resets.
    figure.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "+" || event.key === "=") zoomIn.click();
      else if (event.key === "-") zoomOut.click();
      else if (event.key === "0") reset.click();
      else return;
      event.preventDefault();
    });

    // --- neighbours: hover or focus a node to bring out those it shares facts with --------------
    const near = new Map();
    const link = (a, b) => {
      if (!near.has(a)) near.set(a, new Set([a]));
      near.get(a).add(b);
    };
    const edges = [...svg.querySelectorAll(".graph-edges line")];
    for (const line of edges) {
      link(line.dataset.a, line.dataset.b);
      link(line.dataset.b, line.dataset.a);
    }
    const nodes = [...svg.querySelectorAll("a.graph-node")];
    const emphasise = (node) => {
      const id = node.dataset.node;
      const mine = near.get(id) || new Set([id]);
      svg.classList.add("is-emphasis");
      for (const other of nodes) other.classList.toggle("is-near", mine.has(other.dataset.node));
      for (const line of edges) line.classList.toggle("is-near", line.dataset.a === id || line.dataset.b === id);
    };
    const calm = () => svg.classList.remove("is-emphasis");
    for (const node of nodes) {
      node.addEventListener("pointerenter", () => emphasise(node));
      node.addEventListener("pointerleave", () => {
        if (!svg.contains(document.activeElement) || document.activeElement === svg) calm();
        else emphasise(document.activeElement.closest("a.graph-node") || node);
      });
      node.addEventListener("focus", () => {
        emphasise(node);
        // A node the keyboard reaches outside the zoomed view is brought into it.
        const circle = node.querySelector("circle");
        if (k > 1 && circle) {
          const cx = circle.cx.baseVal.value * k + tx;
          const cy = circle.cy.baseVal.value * k + ty;
          if (cx < box.x || cy < box.y || cx > box.x + box.width || cy > box.y + box.height) {
            const [mx, my] = middle();
            tx += mx - cx;
            ty += my - cy;
            apply();
          }
        }
      });
      node.addEventListener("blur", calm);
    }
    apply();
  };

  document.querySelectorAll("svg.dossier-graph").forEach(setUp);
})();
