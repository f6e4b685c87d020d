// The topic map: every paper a pixel on a canvas, drawn straight into an ImageData buffer each frame
// (300,000 writes take a few milliseconds, where 300,000 fillRect calls take far longer), a grid index
// for hover, HTML links for topic labels. Without script the server's SVG image stays in place.
(function () {
  "use strict";
  const frame = document.getElementById("map");
  if (!frame || !window.fetch || !window.ArrayBuffer) return;
  const status = document.getElementById("map-status");
  const GRID = 128;
  const state = { n: 0, x: null, y: null, topic: null, topics: [], scale: 1, ox: 0, oy: 0, width: 0, height: 0,
    dpr: Math.min(window.devicePixelRatio || 1, 2), matches: [], mine: [], hover: -1, queued: false, frames: [] };
  const details = new Map();

  function hsl(h, s, l) {
    const a = s * Math.min(l, 1 - l);
    const f = (n) => { const k = (n + h / 30) % 12; return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))); };
    return [f(0), f(8), f(4)];
  }
  // The same hue per topic as web/builders/topics.py topic_colour (golden-angle steps).
  function palette(count) {
    const colours = new Uint32Array(count + 1);
    for (let t = 0; t <= count; t++) {
      const [r, g, b] = t === count ? [128, 128, 128] : hsl((t * 137.508) % 360, 0.65, 0.5);
      colours[t] = (255 << 24) | (b << 16) | (g << 8) | r;
    }
    return colours;
  }

  function parse(buffer) {
    const view = new DataView(buffer);
    const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
    if (magic !== "PWM1") throw new Error("unexpected map data");
    const n = view.getUint32(4, true);
    const topics = view.getUint32(8, true);
    const x = new Float32Array(n), y = new Float32Array(n), topic = new Uint16Array(n);
    const raw = new Uint16Array(buffer.slice(12, 12 + 6 * n));
    for (let i = 0; i < n; i++) { x[i] = raw[i] / 65535; y[i] = raw[n + i] / 65535; topic[i] = Math.min(raw[2 * n + i], topics); }
    return { n, topicCount: topics, x, y, topic };
  }

  function buildGrid() {
    const cell = new Int32Array(state.n), counts = new Int32Array(GRID * GRID + 1);
    for (let i = 0; i < state.n; i++) {
      const c = Math.min(GRID - 1, Math.max(0, Math.floor(state.x[i] * GRID))) * GRID +
        Math.min(GRID - 1, Math.max(0, Math.floor(state.y[i] * GRID)));
      cell[i] = c; counts[c + 1]++;
    }
    for (let c = 0; c < GRID * GRID; c++) counts[c + 1] += counts[c];
    const order = new Int32Array(state.n), fill = counts.slice(0, GRID * GRID);
    for (let i = 0; i < state.n; i++) order[fill[cell[i]]++] = i;
    state.gridStart = counts; state.gridOrder = order;
  }

  function nearest(sx, sy, radius) {
    const u = (sx - state.ox) / state.scale, v = (sy - state.oy) / state.scale, r = radius / state.scale;
    const lo = (w) => Math.max(0, Math.floor((w - r) * GRID)), hi = (w) => Math.min(GRID - 1, Math.floor((w + r) * GRID));
    let best = -1, bestD = r * r;
    for (let cx = lo(u); cx <= hi(u); cx++) for (let cy = lo(v); cy <= hi(v); cy++) {
      const c = cx * GRID + cy;
      for (let k = state.gridStart[c]; k < state.gridStart[c + 1]; k++) {
        const i = state.gridOrder[k], dx = state.x[i] - u, dy = state.y[i] - v, d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = i; }
      }
    }
    return best;
  }

  function resize() {
    const box = frame.getBoundingClientRect();
    const old = state.width ? { w: state.width, s: state.scale, ox: state.ox, oy: state.oy } : null;
    state.width = Math.max(1, Math.round(box.width)); state.height = Math.max(1, Math.round(box.height));
    canvas.width = Math.round(state.width * state.dpr); canvas.height = Math.round(state.height * state.dpr);
    state.image = ctx.createImageData(canvas.width, canvas.height);
    state.pixels = new Uint32Array(state.image.data.buffer);
    if (!old) reset(); else { const f = state.width / old.w; state.scale = old.s * f; state.ox = old.ox * f; state.oy = old.oy * f; }
    draw();
  }

  function reset() {
    state.scale = Math.min(state.width, state.height) * 0.96;
    state.ox = (state.width - state.scale) / 2; state.oy = (state.height - state.scale) / 2;
  }

  function draw() {
    if (state.queued) return;
    state.queued = true;
    window.requestAnimationFrame(render);
  }

  function render() {
    state.queued = false;
    const started = performance.now();
    const W = canvas.width, H = canvas.height, px = state.pixels, d = state.dpr;
    px.fill(state.background);
    const s = state.scale * d, ox = state.ox * d, oy = state.oy * d, colours = state.colours;
    // Dot size in device pixels: large when there are few points or the view is zoomed in, 1 at 300,000.
    const zoom = state.scale / (Math.min(state.width, state.height) * 0.96);
    const base = state.n < 2000 ? 4 : state.n < 20000 ? 3 : state.n < 100000 ? 2 : 1;
    const size = Math.min(6, Math.round(base * d * Math.max(1, Math.sqrt(zoom) / 2)));
    for (let i = 0; i < state.n; i++) {
      const X = (ox + state.x[i] * s) | 0, Y = (oy + state.y[i] * s) | 0;
      if (X < 0 || Y < 0 || X >= W - size || Y >= H - size) continue;
      const c = colours[state.topic[i]];
      if (size === 1) { px[Y * W + X] = c; continue; }
      for (let dy = 0; dy < size; dy++) { const row = (Y + dy) * W + X; for (let dx = 0; dx < size; dx++) px[row + dx] = c; }
    }
    ctx.putImageData(state.image, 0, 0);
    ctx.save(); ctx.scale(d, d);
    ctx.lineWidth = 2; ctx.strokeStyle = state.foreground;
    for (const i of state.matches) { ctx.beginPath(); ctx.arc(state.ox + state.x[i] * state.scale, state.oy + state.y[i] * state.scale, 5, 0, 6.283); ctx.stroke(); }
    ctx.fillStyle = state.accent;
    for (const i of state.mine) ctx.fillRect(state.ox + state.x[i] * state.scale - 4, state.oy + state.y[i] * state.scale - 4, 8, 8);
    if (state.hover >= 0) { ctx.beginPath(); ctx.arc(state.ox + state.x[state.hover] * state.scale, state.oy + state.y[state.hover] * state.scale, 7, 0, 6.283); ctx.strokeStyle = state.accent; ctx.stroke(); }
    ctx.restore();
    placeLabels();
    state.frames.push(performance.now() - started);
    if (state.frames.length > 1000) state.frames.shift();
  }

  function placeLabels() {
    const placed = [];
    const zoom = state.scale / (Math.min(state.width, state.height) * 0.96);
    const room = Math.max(8, Math.round(12 * zoom * zoom));
    state.topics.forEach((topic, rank) => {
      const link = state.labelLinks[topic.id];
      const x = state.ox + topic.x * state.scale, y = state.oy + topic.y * state.scale;
      const w = topic.label.length * 7 + 8, h = 18;
      const inside = x > w / 2 && x < state.width - w / 2 && y > h && y < state.height - h;
      const free = inside && rank < room && placed.every((p) => Math.abs(p.x - x) > (p.w + w) / 2 || Math.abs(p.y - y) > h);
      link.hidden = !free;
      if (free) { placed.push({ x, y, w }); link.style.left = x + "px"; link.style.top = y + "px"; }
    });
  }

  async function detail(row) {
    if (!details.has(row)) details.set(row, fetch("/api/map/points/" + row).then((r) => (r.ok ? r.json() : null)));
    return details.get(row);
  }

  function showTip(row, sx, sy) {
    if (row < 0) { tip.hidden = true; return; }
    detail(row).then((paper) => {
      if (!paper || state.hover !== row) return;
      tip.textContent = paper.title + (paper.topic_label ? " — " + paper.topic_label : "");
      tip.hidden = false;
      tip.style.left = Math.min(sx + 12, state.width - 200) + "px"; tip.style.top = Math.max(0, sy - 36) + "px";
    });
  }

  // Pan (drag), pinch and wheel zoom, hover and click, with pointer events (mouse, pen and touch alike).
  const pointers = new Map();
  let moved = 0, pinch = 0;
  function zoomAt(factor, sx, sy) {
    const next = Math.max(50, Math.min(state.scale * factor, 400000));
    const f = next / state.scale;
    state.ox = sx - (sx - state.ox) * f; state.oy = sy - (sy - state.oy) * f; state.scale = next;
    draw();
  }
  function local(event) { const box = canvas.getBoundingClientRect(); return [event.clientX - box.left, event.clientY - box.top]; }
  function onDown(event) {
    canvas.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, local(event)); moved = 0;
    if (pointers.size === 2) { const [a, b] = [...pointers.values()]; pinch = Math.hypot(a[0] - b[0], a[1] - b[1]); }
  }
  function onMove(event) {
    const [sx, sy] = local(event);
    const last = pointers.get(event.pointerId);
    if (!last) {
      const row = nearest(sx, sy, 6);
      if (row !== state.hover) { state.hover = row; draw(); showTip(row, sx, sy); }
      canvas.style.cursor = row >= 0 ? "pointer" : "grab";
      return;
    }
    pointers.set(event.pointerId, [sx, sy]);
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()], dist = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (pinch > 0) zoomAt(dist / pinch, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      pinch = dist; moved += 10; return;
    }
    state.ox += sx - last[0]; state.oy += sy - last[1]; moved += Math.abs(sx - last[0]) + Math.abs(sy - last[1]);
    tip.hidden = true; draw();
  }
  function onUp(event) {
    const [sx, sy] = local(event);
    pointers.delete(event.pointerId); pinch = 0;
    if (moved > 4) return;
    const row = nearest(sx, sy, event.pointerType === "touch" ? 14 : 6);
    if (row < 0) return;
    if (event.pointerType === "touch" && state.hover !== row) { state.hover = row; draw(); showTip(row, sx, sy); return; }
    detail(row).then((paper) => { if (paper) window.location.assign(paper.url); });
  }

  async function highlight(query) {
    state.matches = [];
    if (!query) { status.textContent = ""; draw(); return; }
    status.textContent = "Searching…";
    const response = await fetch(frame.dataset.search + "?" + new URLSearchParams({ q: query }));
    const body = await response.json();
    state.matches = response.ok ? body.rows : [];
    status.textContent = response.ok ? state.matches.length + " matching papers highlighted" : body.error || "search failed";
    draw();
  }

  let canvas, ctx, tip;
  async function start() {
    const [buffer, meta] = await Promise.all([
      fetch(frame.dataset.points).then((r) => { if (!r.ok) throw new Error("map data " + r.status); return r.arrayBuffer(); }),
      fetch(frame.dataset.topics).then((r) => r.json()),
    ]);
    const points = parse(buffer);
    Object.assign(state, points);
    state.colours = palette(points.topicCount);
    state.topics = meta.topics.slice().sort((a, b) => b.size - a.size);
    canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Topic map of " + points.n + " papers; the topic links below the map lead to the same topics");
    ctx = canvas.getContext("2d");
    const labels = document.createElement("div");
    labels.className = "map-labels";
    state.labelLinks = {};
    for (const topic of meta.topics) {
      const link = document.createElement("a");
      link.href = topic.url; link.textContent = topic.label; link.hidden = true;
      labels.appendChild(link); state.labelLinks[topic.id] = link;
    }
    tip = document.createElement("div"); tip.className = "map-tip"; tip.hidden = true; tip.setAttribute("role", "tooltip");
    const style = getComputedStyle(frame);
    const probe = document.createElement("canvas").getContext("2d");
    probe.fillStyle = style.backgroundColor; probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    state.background = (255 << 24) | (b << 16) | (g << 8) | r;
    state.foreground = getComputedStyle(document.body).color;
    state.accent = getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() || "#1f4fc4";
    document.getElementById("map-static").hidden = true;
    frame.append(canvas, labels, tip);
    buildGrid();
    canvas.addEventListener("pointerdown", onDown);
    canvas.addEventListener("pointermove", onMove);
    canvas.addEventListener("pointerup", onUp);
    canvas.addEventListener("pointercancel", (e) => { pointers.delete(e.pointerId); pinch = 0; });
    canvas.addEventListener("pointerleave", () => { if (!pointers.size) { state.hover = -1; tip.hidden = true; draw(); } });
    canvas.addEventListener("wheel", (e) => { e.preventDefault(); const [sx, sy] = local(e); zoomAt(Math.exp(-e.deltaY * 0.0015), sx, sy); }, { passive: false });
    const zoom = document.querySelector(".map-zoom");
    if (zoom) {
      zoom.hidden = false;
      zoom.addEventListener("click", (e) => {
        const factor = Number(e.target.dataset.zoom);
        if (factor === 0) { reset(); draw(); } else if (factor) zoomAt(factor, state.width / 2, state.height / 2);
      });
    }
    document.getElementById("map-search").addEventListener("submit", (e) => {
      e.preventDefault();
      const q = document.getElementById("map-q").value.trim();
      history.replaceState(null, "", q ? "?" + new URLSearchParams({ q }) : window.location.pathname);
      highlight(q);
    });
    new ResizeObserver(resize).observe(frame);
    resize();
    fetch(frame.dataset.mine, { credentials: "same-origin" }).then((r) => r.json()).then((mine) => { state.mine = [...(mine.upvoted || []), ...(mine.saved || [])]; draw(); });
    const q = new URLSearchParams(window.location.search).get("q");
    if (q) highlight(q);
    frame.dataset.ready = "1";
  }

  // For tests and the frame-time benchmark: the state, a way to pan, and the recorded frame times.
  window.paperwireMap = { state, pan: (dx, dy) => { state.ox += dx; state.oy += dy; draw(); },
    screenOf: (row) => [state.ox + state.x[row] * state.scale, state.oy + state.y[row] * state.scale] };
  start().catch((error) => { if (status) status.textContent = "The interactive map could not load (" + error.message + "); the image stays."; });
})();
