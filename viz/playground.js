/* chainrule playground, the page: controls, the training loop, and window.chainrule.playground.
 *
 * The numbers come from playground_engine.js, the pictures from playground_views.js; this
 * file wires controls to settings, runs play/pause/step/reset, and keeps the API that
 * scripts and tests drive (step, losses, play, pause, reset, selectSample, settings).
 */
(function () {
  "use strict";
  if (window.chainrulePlayground) return;
  const X = () => window.chainrulePlayExport;
  const E = () => window.chainrulePlayEngine, D = () => window.chainrulePlayData, V = () => window.chainrulePlayViews;

  const CHOICES = {
    dataset: ["moons", "circles", "blobs", "xor", "spiral"],
    activation: ["relu", "tanh", "sigmoid", "leaky_relu", "linear"],
    loss: ["hinge", "bce", "cross_entropy"],
    optimizer: ["sgd", "adam", "adamw"],
  };
  const RESTART = ["dataset", "samples", "noise", "testFraction", "classes", "layers", "activation",
    "features", "loss", "optimizer", "seed", "points"];
  const LIVE = ["lr", "momentum", "batchSize", "l2", "weightDecay", "speed"];

  function fail(message) { throw new Error(`playground.settings: ${message}`); }

  /* Check every key of obj before anything changes; returns the new settings. */
  function checked(current, obj) {
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) fail("expected an object of settings");
    const next = JSON.parse(JSON.stringify(current));
    const number = (key, low, high) => {
      const v = obj[key];
      if (typeof v !== "number" || !(v >= low && v <= high)) fail(`${key} must be a number in [${low}, ${high}], got ${JSON.stringify(v)}`);
      return v;
    };
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      if (key === "dataset" || key === "loss" || key === "optimizer") {
        if (!CHOICES[key].includes(v)) fail(`${key} must be one of ${CHOICES[key].join(", ")}, got ${JSON.stringify(v)}`);
        next[key] = v;
      } else if (key === "layers") {
        if (!Array.isArray(v) || v.length > 6 || !v.every((n) => Number.isInteger(n) && n >= 1 && n <= 32)) fail(`layers must be up to 6 sizes of 1 to 32 neurons, got ${JSON.stringify(v)}`);
        next.layers = v.slice();
      } else if (key === "activation") {
        const list = typeof v === "string" ? null : v;
        if (list !== null && (!Array.isArray(list) || !list.every((a) => CHOICES.activation.includes(a)))) fail(`activation must be one of ${CHOICES.activation.join(", ")} (or a list, one per layer), got ${JSON.stringify(v)}`);
        if (list === null && !CHOICES.activation.includes(v)) fail(`activation must be one of ${CHOICES.activation.join(", ")}, got ${JSON.stringify(v)}`);
        next.activation = list === null ? null : list.slice();
      } else if (key === "features") {
        if (!Array.isArray(v) || !v.length || !v.every((f) => f in D().FEATURES) || new Set(v).size !== v.length) fail(`features must be distinct names from ${Object.keys(D().FEATURES).join(", ")}, got ${JSON.stringify(v)}`);
        next.features = v.slice();
      } else if (key === "lr") next.lr = number("lr", 1e-6, 10);
      else if (key === "momentum") next.momentum = number("momentum", 0, 0.999);
      else if (key === "l2") next.l2 = number("l2", 0, 1);
      else if (key === "weightDecay") next.weightDecay = number("weightDecay", 0, 1);
      else if (key === "noise") next.noise = number("noise", 0, 1);
      else if (key === "testFraction") next.testFraction = number("testFraction", 0, 0.9);
      else if (key === "speed") next.speed = number("speed", 1, 2000);
      else if (key === "samples" || key === "seed" || key === "classes") {
        const range = { samples: [4, 2000], seed: [0, 4294967295], classes: [2, 6] }[key];
        if (!Number.isInteger(v) || v < range[0] || v > range[1]) fail(`${key} must be an int in [${range[0]}, ${range[1]}], got ${JSON.stringify(v)}`);
        next[key] = v;
      } else if (key === "batchSize") {
        if (v !== null && !(Number.isInteger(v) && v >= 1)) fail(`batchSize must be null (full batch) or an int >= 1, got ${JSON.stringify(v)}`);
        next.batchSize = v;
      } else if (key === "points") {
        if (!Array.isArray(v) || v.length < 2 || !v.every((p) => Array.isArray(p) && p.length === 3 && p.every(Number.isFinite) && Number.isInteger(p[2]) && p[2] >= 0 && p[2] < 6)) fail("points must be at least 2 rows [x1, x2, class] of finite numbers, classes 0 to 5");
      } else fail(`unknown setting ${JSON.stringify(key)}; known: ${RESTART.concat(LIVE).join(", ")}`);
    }
    if (next.activation === null || typeof obj.activation === "string") next.activation = next.layers.map(() => obj.activation || current.activation[0]);
    if (next.activation.length !== next.layers.length) {
      next.activation = next.layers.map((_, i) => next.activation[Math.min(i, next.activation.length - 1)] || "relu");
    }
    return next;
  }

  function chainrulePlayground(ident) {
    const root = document.getElementById(ident);
    if (!root) return;
    const data = JSON.parse(root.querySelector(".cr-data").textContent);
    root.querySelector(".cr-fallback").style.display = "none";
    const state = {
      settings: Object.assign({ speed: 60 }, data.settings),
      points: data.points.map((p) => [p[0], p[1], p[2]]),
      origin: "nn.datasets (from Python)",
      run: null, playing: false, selected: null, param: 0, frames: 0, message: "",
    };
    const build = () => {
      const s = state.settings;
      const classes = Math.max(...state.points.map((p) => p[2])) + 1;
      if (s.loss !== "cross_entropy" && classes > 2) s.loss = "cross_entropy";
      s.classes = Math.max(2, classes);
      state.run = E().Session(s, state.points, data.ops, data.compensatedSum);
      if (state.selected !== null && state.selected >= state.points.length) state.selected = null;
      if (state.param >= state.run.P.length) state.param = 0;
      state.run.track = state.param;
    };
    const views = V().mount(root, state, {
      settings: (obj) => api.settings(obj),
      step: () => api.step(1),
      play: () => (state.playing ? api.pause() : api.play()),
      reset: () => api.reset(),
      selectSample: (i) => api.selectSample(i),
      selectParam: (k) => { state.param = k; state.run.track = k; views.draw(); },
      editPoints: (points) => { state.points = points; state.origin = "edited in the page"; state.playing = false; build(); views.rebuild(true); },
    });
    // play(): `speed` steps a second, the views redrawn once a frame. A frame that came
    // late takes the steps it owes (at most 20), so training keeps its pace whatever the
    // browser's frame rate; every frame takes at least one step.
    let owed = 0, lastFrame = 0;
    const frame = (now) => {
      if (!state.playing) return;
      owed += lastFrame ? ((now - lastFrame) / 1000) * state.settings.speed : 1;
      lastFrame = now;
      const n = Math.max(1, Math.min(20, Math.floor(owed)));
      owed = Math.max(0, owed - n);
      for (let i = 0; i < n && state.run.step() !== null; i++);
      if (state.run.diverged) state.playing = false;
      state.frames += 1;
      views.draw();
      if (state.playing) requestAnimationFrame(frame);
    };
    const api = {
      step(n = 1) {
        if (!Number.isInteger(n) || n < 0) throw new Error(`playground.step(n): n must be an int >= 0, got ${JSON.stringify(n)}`);
        const out = [];
        for (let i = 0; i < n; i++) {
          const loss = state.run.step();
          if (loss === null) break;
          out.push(loss);
        }
        views.draw();
        return out;
      },
      losses: () => state.run.losses.slice(),
      testLosses: () => state.run.testLosses.slice(),
      play() { if (!state.playing) { state.playing = true; owed = 0; lastFrame = 0; views.draw(); requestAnimationFrame(frame); } },
      pause() { state.playing = false; views.draw(); },
      reset() { state.playing = false; build(); views.rebuild(); },
      followParameter(k) {
        if (!(Number.isInteger(k) && k >= 0 && k < state.run.P.length)) throw new Error(`playground.followParameter(k): k must be a parameter index in [0, ${state.run.P.length}), got ${JSON.stringify(k)}`);
        state.param = k;
        state.run.track = k;
        views.draw();
        return k;
      },
      selectSample(i) {
        if (i !== null && !(Number.isInteger(i) && i >= 0 && i < state.points.length)) throw new Error(`playground.selectSample(i): i must be a point index in [0, ${state.points.length}), got ${JSON.stringify(i)}`);
        state.selected = i;
        views.draw();
        return i;
      },
      settings(obj) {
        if (obj === undefined) return JSON.parse(JSON.stringify(state.settings));
        const next = checked(state.settings, obj);
        const restart = Object.keys(obj).some((k) => RESTART.includes(k));
        let points = state.points, origin = state.origin;
        if ("points" in obj) { points = obj.points.map((p) => p.slice()); origin = "set by a script"; }
        else if (["dataset", "samples", "noise", "classes"].some((k) => k in obj)) {
          points = D().generate(next.dataset, next.samples, next.noise, next.seed, next.dataset === "blobs" || next.dataset === "spiral" ? next.classes : 2);
          origin = `the page's ${next.dataset} generator`;
        }
        if (next.loss !== "cross_entropy" && Math.max(...points.map((p) => p[2])) > 1) {
          if ("loss" in obj) fail(`loss ${next.loss} is for two classes; the data has more (use cross_entropy)`);
          next.loss = "cross_entropy";
        }
        state.points = points;
        state.origin = origin;
        state.settings = next;
        if (restart) { state.playing = false; build(); views.rebuild(); } else views.draw();
        return JSON.parse(JSON.stringify(next));
      },
      points: () => state.points.map((p) => p.slice()),
      weights: () => Array.from(state.run.P),
      predict: (x1, x2) => views.predict(x1, x2),
      draw: () => views.draw(),
      frames: () => state.frames,
      exportPython: () => X().pythonCode(state),
      exportTorch: () => X().torchCode(state),
      exportCSV: () => X().csv(state),
      exportState: () => X().runState(state),
      link: () => `${location.href.split("#")[0]}#chainrule-run=${X().toBase64(X().runState(state))}`,
      loadState(text) {
        const saved = X().checkRun(text);
        checked(state.settings, Object.fromEntries(Object.entries(saved.settings).filter(([k]) => RESTART.concat(LIVE).includes(k) && k !== "points")));
        const before = { settings: state.settings, points: state.points, origin: state.origin, run: state.run };
        try { X().restore(state, saved, build); } catch (error) { Object.assign(state, before); throw error; }
        state.playing = false;
        views.rebuild();
        return state.run.losses.length;
      },
      sampleGraph: () => views.sample.sampleGraph(),
      contributions: (k) => views.sample.contributions(k),
      state: () => state,
    };
    build();
    views.rebuild();
    // A whole page opened from an exported link reopens that run.
    const hash = root.classList.contains("cr-page") ? location.hash.match(/^#chainrule-run=(.+)$/) : null;
    if (hash) {
      try { api.loadState(X().fromBase64(decodeURIComponent(hash[1]))); } catch (error) { state.message = String(error.message); }
    }
    api.readyAt = performance.now(); // when the page became usable (the benchmark reads it)
    window.chainrule = window.chainrule || {};
    window.chainrule.playground = api;
    root.chainrulePlayground = api;
    return api;
  }
  window.chainrulePlayground = chainrulePlayground;
})();
