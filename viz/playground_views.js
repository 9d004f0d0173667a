/* chainrule playground, the views: the controls' markup and every picture of a run.
 *
 * mount(root, state, actions) builds the panels (data, network, output) and returns
 * {rebuild, draw, predict}: rebuild after the model or data changed, draw after a step.
 * Pictures read state.run (playground_engine.js's Session); controls call actions.
 */
(function () {
  "use strict";
  if (window.chainrulePlayViews) return;
  const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#17becf"];
  const GRID = 40;
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const CLASS_RGB = CLASS_COLOURS.map(rgb);
  const mix = (a, b, t) => a.map((x, i) => Math.round(x + (b[i] - x) * t));
  const WHITE = [255, 255, 255];
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  };
  const fmt = (x) => (x === null || x === undefined ? "–" : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4));
  const LABELS = { relu: "ReLU", tanh: "tanh", sigmoid: "sigmoid", leaky_relu: "leaky ReLU", linear: "linear",
    hinge: "hinge", bce: "binary cross-entropy", cross_entropy: "cross-entropy", sgd: "SGD (+ momentum)", adam: "Adam", adamw: "AdamW" };

  function select(options, value, onchange, title) {
    const node = el("select", { title, onchange: (e) => onchange(e.target.value) });
    for (const o of options) {
      const opt = el("option", { value: String(o) }, LABELS[o] || (o === "" ? "all (full batch)" : String(o)));
      if (String(o) === String(value)) opt.selected = true;
      node.append(opt);
    }
    return node;
  }

  function mount(root, state, actions) {
    const app = el("div", { class: "cp-app" });
    root.append(app);
    let grid = null, extent = null, buffers = null, net = null, clickMode = "select";

    const setExtent = () => {
      const xs = state.points.map((p) => p[0]), ys = state.points.map((p) => p[1]);
      const cx = (Math.min(...xs) + Math.max(...xs)) / 2, cy = (Math.min(...ys) + Math.max(...ys)) / 2;
      const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2 * 1.15 + 0.15;
      extent = { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
      setGrid();
    };
    const setGrid = () => {
      const cells = [];
      for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) {
        cells.push([extent.x0 + ((c + 0.5) / GRID) * (extent.x1 - extent.x0), extent.y1 - ((r + 0.5) / GRID) * (extent.y1 - extent.y0), 0]);
      }
      grid = cells;
    };

    /* ---- controls ---- */
    const top = el("div", { class: "cp-top" });
    const body = el("div", { class: "cp-body" });
    const dataPanel = el("div", { class: "cp-panel cp-data" });
    const netPanel = el("div", { class: "cp-panel cp-net" });
    const outPanel = el("div", { class: "cp-panel cp-out" });
    body.append(dataPanel, netPanel, outPanel);
    const samplePanel = el("div", { class: "cp-panel cp-sample" });
    app.append(top, body, samplePanel);

    const playButton = el("button", { class: "cp-play", title: "play / pause", onclick: () => actions.play() }, "▶");
    const stepButton = el("button", { title: "one step", onclick: () => actions.step() }, "step");
    const resetButton = el("button", { title: "back to the seed's weights", onclick: () => actions.reset() }, "reset");
    const counter = el("div", { class: "cp-counter" });
    const topControls = el("div", { class: "cp-settings" });
    top.append(el("div", { class: "cp-buttons" }, resetButton, playButton, stepButton), counter, topControls);

    const labelled = (text, control) => el("label", { class: "cp-field" }, el("span", {}, text), control);
    const drawTopControls = () => {
      const s = state.settings;
      const number = (v) => actions.settings(v);
      topControls.replaceChildren(
        labelled("learning rate", select([0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3].concat(s.lr).filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b), s.lr, (v) => number({ lr: Number(v) }), "learning rate")),
        labelled("optimizer", select(["sgd", "adam", "adamw"], s.optimizer, (v) => number({ optimizer: v }), "optimizer")),
        labelled(s.optimizer === "sgd" ? "momentum" : "weight decay", s.optimizer === "sgd"
          ? select([0, 0.5, 0.9, 0.99], s.momentum, (v) => number({ momentum: Number(v) }), "momentum")
          : select([0, 0.0001, 0.001, 0.01, 0.1], s.weightDecay, (v) => number({ weightDecay: Number(v) }), "weight decay")),
        labelled("L2", select([0, 0.00001, 0.0001, 0.001, 0.01, 0.1].concat(s.l2).filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b), s.l2, (v) => number({ l2: Number(v) }), "L2 added to the loss")),
        labelled("batch", select(["", 1, 5, 10, 20, 50].concat(s.batchSize === null ? [] : [s.batchSize]).filter((v, i, a) => a.indexOf(v) === i), s.batchSize === null ? "" : s.batchSize, (v) => number({ batchSize: v === "" ? null : Number(v) }), "samples per step")),
        labelled("loss", select(state.run.classes > 2 ? ["cross_entropy"] : ["hinge", "bce", "cross_entropy"], s.loss, (v) => number({ loss: v }), "loss")),
        labelled("speed (steps/s)", select([5, 15, 30, 60, 120, 300].concat(s.speed).filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b), s.speed, (v) => number({ speed: Number(v) }), "training steps a second while playing")),
        labelled("seed", el("input", { type: "number", value: s.seed, min: 0, step: 1, class: "cp-seed",
          onchange: (e) => { const v = Number(e.target.value); if (Number.isInteger(v) && v >= 0) number({ seed: v }); } })),
      );
    };

    const drawDataPanel = () => {
      const s = state.settings;
      const sets = el("div", { class: "cp-datasets" });
      for (const name of ["moons", "circles", "blobs", "xor", "spiral"]) {
        sets.append(el("button", { class: s.dataset === name ? "on" : "", onclick: () => actions.settings({ dataset: name }) }, name));
      }
      const slider = (text, key, min, max, step, value, shown) => {
        const out = el("span", { class: "cp-value" }, shown(value));
        const input = el("input", { type: "range", min, max, step, value,
          oninput: (e) => { out.textContent = shown(Number(e.target.value)); },
          onchange: (e) => actions.settings({ [key]: Number(e.target.value) }) });
        return el("label", { class: "cp-slider" }, el("span", {}, text), input, out);
      };
      const modes = el("div", { class: "cp-modes" });
      const classes = Math.max(2, state.run.classes);
      const mode = (name, text, colour) => {
        const b = el("button", { class: clickMode === name ? "on" : "", onclick: () => { clickMode = name; drawDataPanel(); } }, text);
        if (colour) b.style.borderLeft = `6px solid ${colour}`;
        modes.append(b);
      };
      mode("select", "select a point");
      for (let c = 0; c < Math.min(classes + 1, 6); c++) mode(`add${c}`, `add class ${c}`, CLASS_COLOURS[c]);
      mode("remove", "remove a point");
      const features = el("div", { class: "cp-features" });
      for (const f of Object.keys(window.chainrulePlayData.FEATURES)) {
        const on = s.features.includes(f);
        features.append(el("label", {}, Object.assign(el("input", { type: "checkbox", onchange: () => {
          const next = on ? s.features.filter((x) => x !== f) : Object.keys(window.chainrulePlayData.FEATURES).filter((x) => x === f || s.features.includes(x));
          if (next.length) actions.settings({ features: next });
        } }), { checked: on }), f));
      }
      dataPanel.replaceChildren(
        el("h3", {}, "Data"), sets,
        slider("noise", "noise", 0, 0.5, 0.05, s.noise, (v) => v.toFixed(2)),
        slider("points", "samples", 20, 400, 10, s.samples, (v) => String(v)),
        slider("test share", "testFraction", 0, 0.5, 0.1, s.testFraction, (v) => `${Math.round(v * 100)}%`),
        ...(s.dataset === "blobs" || s.dataset === "spiral" ? [slider("classes", "classes", 2, 6, 1, s.classes, (v) => String(v))] : []),
        el("p", { class: "cp-note" }, `${state.points.length} points from ${state.origin}`),
        el("h3", {}, "Click on the plot to"), modes,
        el("h3", {}, "Features"), features,
        el("h3", {}, "Export"), exportButtons(),
        exportBox,
      );
    };

    /* ---- export ---- */
    const exportBox = el("div", { class: "cp-export" });
    let exportShown = null;
    const exportButtons = () => {
      const box = el("div", { class: "cp-datasets" });
      const kinds = [["python", "chainrule code", "model.py"], ["torch", "PyTorch code", "model_torch.py"],
        ["csv", "data CSV", "data.csv"], ["json", "run JSON", "run.json"], ["link", "link", null], ["open", "open a run", null]];
      for (const [kind, text, file] of kinds) {
        box.append(el("button", { class: exportShown === kind ? "on" : "", onclick: () => { exportShown = exportShown === kind ? null : kind; showExport(kind, file); drawDataPanel(); } }, text));
      }
      return box;
    };
    const showExport = (kind, file) => {
      if (exportShown === null) { exportBox.replaceChildren(); return; }
      const api = root.chainrulePlayground;
      const text = { python: api.exportPython, torch: api.exportTorch, csv: api.exportCSV, json: api.exportState, link: api.link, open: () => "" }[kind]();
      const area = el("textarea", { class: "cp-text", spellcheck: "false", rows: 8 });
      area.value = text;
      const parts = [area];
      if (file) {
        const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
        parts.push(el("a", { href: url, download: file }, `download ${file}`));
      }
      if (kind === "open") {
        parts.push(el("button", { onclick: () => {
          try { api.loadState(area.value); exportShown = null; exportBox.replaceChildren(); drawDataPanel(); }
          catch (error) { message.textContent = error.message; }
        } }, "open this run"));
        area.placeholder = "paste a run's JSON here";
      }
      exportBox.replaceChildren(...parts);
    };

    /* ---- network ---- */
    const drawNetwork = () => {
      const run = state.run, s = state.settings;
      const layers = [s.features.length, ...s.layers, run.outputs];
      // Columns share the view's width (its padding is 16 px a side), from 96 px down to
      // 84, where a layer's controls still fit: six hidden layers fit at 1280 px.
      const room = netPanel.clientWidth - 32, fitted = Math.floor(room / layers.length);
      const height = 440, colWidth = room > 0 ? Math.max(84, Math.min(96, fitted)) : 96, tallest = Math.max(...layers);
      const size = Math.max(12, Math.min(34, Math.floor((height - 20) / tallest) - 6));
      const gap = Math.min(10, Math.floor((height - 20) / tallest) - size);
      const head = el("div", { class: "cp-net-head" },
        el("button", { title: "add a hidden layer", onclick: () => s.layers.length < 6 && actions.settings({ layers: [...s.layers, 4], activation: [...s.activation, s.activation[s.activation.length - 1] || "relu"] }) }, "+"),
        el("button", { title: "remove the last hidden layer", onclick: () => s.layers.length > 0 && actions.settings({ layers: s.layers.slice(0, -1), activation: s.activation.slice(0, -1) }) }, "−"),
        el("span", {}, `${s.layers.length} hidden layer${s.layers.length === 1 ? "" : "s"} · ${run.P.length} parameters · ${LABELS[s.loss]}`));
      const area = el("div", { class: "cp-net-area" });
      area.style.width = `${layers.length * colWidth}px`;
      area.style.height = `${height + 54}px`;
      // The weights on one canvas: a few hundred lines redrawn each step cost the browser
      // far less there than as SVG elements (measured: about 3x the frame rate).
      const ratio = window.devicePixelRatio || 1, areaWidth = layers.length * colWidth, areaHeight = height + 54;
      const lines = el("canvas", { class: "cp-weights", "data-maps": String(layers.reduce((a, b) => a + b, 0)), width: Math.round(areaWidth * ratio), height: Math.round(areaHeight * ratio) });
      Object.assign(lines.style, { width: `${areaWidth}px`, height: `${areaHeight}px` });
      area.append(lines);
      const pos = [], maps = [];
      layers.forEach((count, l) => {
        const x = l * colWidth + (colWidth - size) / 2, column = [];
        const top = 54 + (height - count * (size + gap)) / 2;
        const headBox = el("div", { class: "cp-layer-head" });
        headBox.style.left = `${l * colWidth}px`;
        headBox.style.width = `${colWidth}px`;
        if (l === 0) headBox.append(el("span", {}, "inputs"));
        else if (l === layers.length - 1) headBox.append(el("span", {}, run.outputs === 1 ? "output" : `${run.outputs} outputs`));
        else {
          const h = l - 1;
          headBox.append(
            el("div", {}, el("button", { title: "add a neuron", onclick: () => s.layers[h] < 32 && actions.settings({ layers: s.layers.map((n, i) => (i === h ? n + 1 : n)) }) }, "+"),
              el("button", { title: "remove a neuron", onclick: () => s.layers[h] > 1 && actions.settings({ layers: s.layers.map((n, i) => (i === h ? n - 1 : n)) }) }, "−"),
              el("span", {}, ` ${count}`)),
            select(["relu", "tanh", "sigmoid", "leaky_relu", "linear"], s.activation[h], (v) => actions.settings({ activation: s.activation.map((a, i) => (i === h ? v : a)) }), "activation of this layer"));
          headBox.lastChild.style.maxWidth = `${colWidth - 6}px`;  // inside its column
        }
        area.append(headBox);
        for (let n = 0; n < count; n++) {
          const y = top + n * (size + gap);
          if (l === 0 && size >= 20) {
            const tag = el("span", { class: "cp-feature" }, s.features[n]);
            Object.assign(tag.style, { left: `${x - 44}px`, top: `${y + size / 2 - 8}px` });
            area.append(tag);
          }
          column.push({ x, y: y + size / 2, size });
          // Every map is painted into its own small image, then drawn on the one canvas.
          const image = el("canvas", { width: GRID, height: GRID });
          maps.push({ canvas: image, layer: l, neuron: n, x, y, size });
        }
        pos.push(column);
      });
      const weights = [];
      run.graph.neurons.forEach((row, layer) => row.forEach((neuron, n) => {
        for (let i = 0; i < neuron.count - 1; i++) {
          const a = pos[layer][i], b = pos[layer + 1][n];
          weights.push({ x1: a.x + a.size, y1: a.y, x2: b.x, y2: b.y, k: neuron.first + i, name: `layer ${layer}, neuron ${n}, w${i}` });
        }
      }));
      const nearest = (event) => { // the weight line within 5 px of the pointer, if any
        const rect = lines.getBoundingClientRect(), px = event.clientX - rect.left, py = event.clientY - rect.top;
        let found = null, best = 25;
        for (const w of weights) {
          const dx = w.x2 - w.x1, dy = w.y2 - w.y1, t = Math.max(0, Math.min(1, ((px - w.x1) * dx + (py - w.y1) * dy) / (dx * dx + dy * dy)));
          const d = (w.x1 + t * dx - px) ** 2 + (w.y1 + t * dy - py) ** 2;
          if (d < best) { best = d; found = w; }
        }
        return found;
      };
      lines.cpWeights = weights; // where each weight is drawn (tests click on them)
      const mapAt = (event) => {
        const rect = lines.getBoundingClientRect(), px = event.clientX - rect.left, py = event.clientY - rect.top;
        return maps.find((m) => m.layer > 0 && px >= m.x && px <= m.x + m.size && py >= m.y && py <= m.y + m.size);
      };
      lines.addEventListener("click", (event) => {
        const m = mapAt(event); // a neuron: follow its bias; else the nearest weight line
        if (m) { const neuron = run.graph.neurons[m.layer - 1][m.neuron]; actions.selectParam(neuron.first + neuron.count - 1); return; }
        const w = nearest(event);
        if (w) actions.selectParam(w.k);
      });
      lines.addEventListener("mousemove", (event) => {
        const m = mapAt(event), w = m ? null : nearest(event);
        lines.title = m ? `layer ${m.layer - 1}, neuron ${m.neuron}: its output over the plane (click to follow its bias)`
          : w ? `${w.name} = ${fmt(state.run.P[w.k])} (click to follow it)` : "";
        lines.style.cursor = m || w ? "pointer" : "default";
      });
      netPanel.replaceChildren(head, el("div", { class: "cp-net-scroll" }, area));
      net = { maps, weights, lines, ratio, areaWidth, areaHeight };
      // Inputs never change while the model trains: their maps are drawn once.
      const F = window.chainrulePlayData.FEATURES;
      maps.filter((m) => m.layer === 0).forEach((m) => {
        const f = F[s.features[m.neuron]];
        paint(m.canvas, grid.map((p) => f(p[0], p[1])), 0, 1);
      });
    };

    // Colour tables, so that painting a map allocates nothing: index 0..255 for |t| in [0, 1].
    const ramp = (colour, strength) => Array.from({ length: 256 }, (_, i) => mix(WHITE, colour, (i / 255) * strength));
    const DIVERGING = [ramp(CLASS_RGB[0], 0.85), ramp(CLASS_RGB[1], 0.85)];
    const CLASS_RAMPS = CLASS_RGB.map((c) => ramp(c, 0.7));
    const GREY = [200, 200, 200];
    const pixel = (data, j, c) => { const o = j * 4; data[o] = c[0]; data[o + 1] = c[1]; data[o + 2] = c[2]; data[o + 3] = 255; };
    const imageOf = (canvas) => {
      if (!canvas.cpImage) { canvas.cpContext = canvas.getContext("2d"); canvas.cpImage = canvas.cpContext.createImageData(GRID, GRID); }
      return canvas.cpImage;
    };
    // values[offset + j * stride] for each grid cell j: a neuron's column of the grid's outputs.
    const paint = (canvas, values, offset, stride) => {
      const image = imageOf(canvas), data = image.data;
      let biggest = 0;
      for (let j = 0; j < GRID * GRID; j++) { const a = Math.abs(values[offset + j * stride]); if (a > biggest) biggest = a; }
      for (let j = 0; j < GRID * GRID; j++) {
        const t = biggest > 0 ? values[offset + j * stride] / biggest : 0;
        pixel(data, j, Number.isFinite(t) ? DIVERGING[t < 0 ? 0 : 1][Math.min(255, Math.round(Math.abs(t) * 255))] : GREY);
      }
      canvas.cpContext.putImageData(image, 0, 0);
    };

    /* ---- output ---- */
    const boundary = el("canvas", { class: "cp-boundary", title: "the model's decision over the plane, with the data" });
    const boundaryCells = el("canvas", { width: GRID, height: GRID });
    const curves = el("canvas", { class: "cp-curves" });
    const summary = el("div", { class: "cp-summary" });
    const optimizerBox = el("div", { class: "cp-optimizer" });
    const message = el("div", { class: "cp-message" });
    outPanel.append(el("h3", {}, "Output"), summary, boundary, el("div", { class: "cp-legend" }, "loss: ", el("b", { class: "cp-train" }, "— train"), " ", el("b", { class: "cp-test" }, "— test")), curves, message, el("h3", {}, "Optimizer state"), optimizerBox);
    const toPlot = (x, y, w) => [((x - extent.x0) / (extent.x1 - extent.x0)) * w, ((extent.y1 - y) / (extent.y1 - extent.y0)) * w];
    const fromPlot = (px, py, w) => [extent.x0 + (px / w) * (extent.x1 - extent.x0), extent.y1 - (py / w) * (extent.y1 - extent.y0)];
    boundary.addEventListener("click", (event) => {
      const rect = boundary.getBoundingClientRect(), w = rect.width;
      const [x, y] = fromPlot(event.clientX - rect.left, event.clientY - rect.top, w);
      let nearest = null, best = Infinity;
      state.points.forEach((p, i) => {
        const [px, py] = toPlot(p[0], p[1], w), d = (px - (event.clientX - rect.left)) ** 2 + (py - (event.clientY - rect.top)) ** 2;
        if (d < best) { best = d; nearest = i; }
      });
      if (clickMode === "select") { if (best < 144) actions.selectSample(nearest); }
      else if (clickMode === "remove") {
        if (best < 144 && state.points.length > 2) actions.editPoints(state.points.filter((_, i) => i !== nearest));
      } else actions.editPoints([...state.points, [x, y, Number(clickMode.slice(3))]]);
    });

    const drawBoundary = (out) => {
      const run = state.run, K = run.outputs, R = run.code.recorded;
      const image = imageOf(boundaryCells), data = image.data;
      for (let j = 0; j < GRID * GRID; j++) {
        if (K === 1) {
          const t = Math.tanh(out[j * R + R - 1]);
          pixel(data, j, Number.isFinite(t) ? DIVERGING[t < 0 ? 0 : 1][Math.round(Math.abs(t) * 0.7 / 0.85 * 255)] : GREY);
        } else {
          let top = 0, mx = -Infinity, sum = 0;
          for (let k = 0; k < K; k++) mx = Math.max(mx, out[j * R + R - K + k]);
          for (let k = 0; k < K; k++) sum += Math.exp(out[j * R + R - K + k] - mx);
          for (let k = 1; k < K; k++) if (out[j * R + R - K + k] > out[j * R + R - K + top]) top = k;
          const confidence = (1 / sum - 1 / K) / (1 - 1 / K); // the top class's probability is e^0 / sum
          pixel(data, j, Number.isFinite(confidence) ? CLASS_RAMPS[top][Math.round(Math.max(0, confidence) * 255)] : GREY);
        }
      }
      boundaryCells.cpContext.putImageData(image, 0, 0);
      const ratio = window.devicePixelRatio || 1, w = 300; // its CSS size: no layout read per frame
      if (boundary.width !== Math.round(w * ratio) || boundary.height !== Math.round(w * ratio)) { boundary.width = Math.round(w * ratio); boundary.height = Math.round(w * ratio); }
      const b = boundary.getContext("2d");
      b.setTransform(ratio, 0, 0, ratio, 0, 0);
      b.imageSmoothingEnabled = true;
      b.drawImage(boundaryCells, 0, 0, w, w);
      const nTrain = run.train.length;
      state.points.forEach((p, i) => {
        const [x, y] = toPlot(p[0], p[1], w);
        b.beginPath();
        b.arc(x, y, 3.6, 0, 2 * Math.PI);
        b.fillStyle = i < nTrain ? CLASS_COLOURS[p[2]] : "#ffffff";
        b.strokeStyle = i < nTrain ? "#ffffff" : CLASS_COLOURS[p[2]];
        b.lineWidth = i < nTrain ? 1 : 2;
        b.fill();
        b.stroke();
      });
      if (state.selected !== null) {
        const p = state.points[state.selected], [x, y] = toPlot(p[0], p[1], w);
        b.beginPath();
        b.arc(x, y, 8, 0, 2 * Math.PI);
        b.strokeStyle = "#111";
        b.lineWidth = 2;
        b.stroke();
      }
    };

    const drawCurves = () => {
      const run = state.run, ratio = window.devicePixelRatio || 1, w = 300, h = 90;
      if (curves.width !== Math.round(w * ratio) || curves.height !== Math.round(h * ratio)) { curves.width = Math.round(w * ratio); curves.height = Math.round(h * ratio); }
      const c = curves.getContext("2d");
      c.setTransform(ratio, 0, 0, ratio, 0, 0);
      c.clearRect(0, 0, w, h);
      const series = [run.losses, run.testLosses.filter((x) => x !== null)];
      const all = series.flat().filter(Number.isFinite);
      if (!all.length) return;
      const top = Math.max(...all) || 1, n = Math.max(2, run.losses.length);
      [["#222", series[0]], ["#aaa", series[1]]].forEach(([colour, values]) => {
        c.beginPath();
        values.forEach((v, i) => { const x = (i / (n - 1)) * (w - 4) + 2, y = h - 4 - (v / top) * (h - 8); if (i) c.lineTo(x, y); else c.moveTo(x, y); });
        c.strokeStyle = colour;
        c.lineWidth = 1.5;
        c.stroke();
      });
    };

    const drawOptimizer = () => {
      const run = state.run, k = state.param, o = run.opt, s = state.settings;
      const rows = [["parameter", parameterName(k)], ["value", fmt(run.P[k])], ["gradient (last batch)", run.losses.length ? fmt(run.G[k]) : "–"]];
      if (o.kind === "sgd") rows.push(["last step Δw (momentum buffer)", fmt(o.deltas[k])]);
      else {
        const c1 = 1 - Math.pow(0.9, o.steps), c2 = 1 - Math.pow(0.999, o.steps);
        rows.push(["step t", String(o.steps)], ["m (1st moment)", fmt(o.m[k])], ["v (2nd moment)", fmt(o.v[k])],
          ["m̂ = m / (1 − β₁ᵗ)", o.steps ? fmt(o.m[k] / c1) : "–"], ["v̂ = v / (1 − β₂ᵗ)", o.steps ? fmt(o.v[k] / c2) : "–"],
          ["next step −lr·m̂/(√v̂+ε)", o.steps ? fmt(-s.lr * (o.m[k] / c1) / (Math.sqrt(o.v[k] / c2) + 1e-8)) : "–"]);
      }
      optimizerBox.replaceChildren(el("table", {}, ...rows.map(([a, b]) => el("tr", {}, el("td", {}, a), el("td", {}, b)))));
    };

    const parameterName = (k) => {
      for (const [layer, row] of state.run.graph.neurons.entries()) for (const [n, neuron] of row.entries()) {
        if (k >= neuron.first && k < neuron.first + neuron.count) {
          const i = k - neuron.first;
          return `layer ${layer}, neuron ${n}, ${i === neuron.count - 1 ? "b" : `w${i}`}`;
        }
      }
      return `#${k}`;
    };

    const predictGrid = () => {
      const run = state.run;
      if (!buffers || buffers.out.length !== GRID * GRID * run.code.recorded || buffers.run !== run) {
        buffers = { run, X: window.chainrulePlayEngine.featuresOf(grid, state.settings.features), out: new Float64Array(GRID * GRID * run.code.recorded), v: new Float64Array(run.graph.nodes.length) };
      }
      run.code.predict(run.P, buffers.X, GRID * GRID, buffers.v, buffers.out);
      return buffers.out;
    };

    const drawWeights = () => {
      const run = state.run, c = net.lines.getContext("2d");
      let biggest = 0;
      for (const w of net.weights) biggest = Math.max(biggest, Math.abs(run.P[w.k]));
      c.setTransform(net.ratio, 0, 0, net.ratio, 0, 0);
      c.clearRect(0, 0, net.areaWidth, net.areaHeight);
      c.lineCap = "round";
      c.globalAlpha = 0.75;
      let chosen = null;
      for (const w of net.weights) {
        const value = run.P[w.k];
        if (w.k === state.param) chosen = w;
        c.strokeStyle = value < 0 ? CLASS_COLOURS[0] : CLASS_COLOURS[1];
        c.lineWidth = 0.4 + (5 * Math.abs(value)) / (biggest || 1);
        c.beginPath();
        c.moveTo(w.x1, w.y1);
        c.lineTo(w.x2, w.y2);
        c.stroke();
      }
      c.globalAlpha = 1;
      c.imageSmoothingEnabled = true;
      for (const m of net.maps) {
        c.drawImage(m.canvas, m.x, m.y, m.size, m.size);
        c.strokeStyle = "#bbb";
        c.lineWidth = 1;
        c.strokeRect(m.x - 0.5, m.y - 0.5, m.size + 1, m.size + 1);
      }
      if (chosen) { // the followed weight, in black on top
        c.strokeStyle = "#111";
        c.lineWidth = 1.5 + (4 * Math.abs(run.P[chosen.k])) / (biggest || 1);
        c.beginPath();
        c.moveTo(chosen.x1, chosen.y1);
        c.lineTo(chosen.x2, chosen.y2);
        c.stroke();
      }
    };

    const draw = () => {
      const run = state.run, out = predictGrid(), R = run.code.recorded;
      playButton.textContent = state.playing ? "❚❚" : "▶";
      const last = run.losses.length ? run.losses[run.losses.length - 1] : null;
      const lastTest = run.testLosses.length ? run.testLosses[run.testLosses.length - 1] : null;
      counter.replaceChildren(el("span", { class: "cp-big" }, String(run.losses.length)), el("span", {}, " steps"));
      summary.replaceChildren(el("span", {}, "train loss "), el("b", {}, fmt(last)), el("span", {}, "   test loss "), el("b", {}, run.test.length ? fmt(lastTest) : "no test points"));
      message.textContent = run.diverged || "";
      let r = 0;
      for (const m of net.maps) {
        if (m.layer === 0) continue;
        const column = r++;
        paint(m.canvas, out, column, R);
      }
      drawWeights();
      drawBoundary(out);
      drawCurves();
      drawOptimizer();
      sample.draw();
    };

    const sample = window.chainrulePlaySample.mount(samplePanel, state, Object.assign({ parameterName: (k) => parameterName(k) }, actions));
    const rebuild = (keepExtent) => {
      if (!keepExtent || !extent) setExtent(); // an edited point set keeps its plane
      buffers = null;
      drawTopControls();
      drawDataPanel();
      drawNetwork();
      draw();
    };

    const predict = (x1, x2) => {
      const run = state.run, X = window.chainrulePlayEngine.featuresOf([[x1, x2, 0]], state.settings.features);
      const out = new Float64Array(run.code.recorded);
      run.code.predict(run.P, X, 1, new Float64Array(run.graph.nodes.length), out);
      return Array.from(out.slice(out.length - run.outputs));
    };

    return { rebuild, draw, predict, sample };
  }

  window.chainrulePlayViews = { mount, CLASS_COLOURS };
})();
