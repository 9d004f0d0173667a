/* chainrule playground, export: the model as chainrule and PyTorch code, the data as CSV,
 * and the run (settings, data, weights, optimizer state, losses) as JSON or a URL fragment
 * that reopens it. Numbers are written with JavaScript's shortest round-trip form, which
 * is also Python's repr: the exported weights are the page's, bit for bit.
 */
(function () {
  "use strict";
  if (window.chainrulePlayExport) return;
  const FEATURE_PYTHON = { x1: "x1", x2: "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2", "sin(x1)": "math.sin(x1)", "sin(x2)": "math.sin(x2)" };
  const FEATURE_TORCH = { x1: "x1", x2: "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1*x2": "x1 * x2", "sin(x1)": "torch.sin(x1)", "sin(x2)": "torch.sin(x2)" };
  const TORCH_ACTIVATION = { relu: "nn.ReLU()", tanh: "nn.Tanh()", sigmoid: "nn.Sigmoid()", leaky_relu: "nn.LeakyReLU(0.01)" };
  const num = (x) => { const t = String(x); return /^-?\d+$/.test(t) ? `${t}.0` : t; };
  const list = (xs, indent) => {
    const lines = [];
    for (let i = 0; i < xs.length; i += 4) lines.push(indent + xs.slice(i, i + 4).map(num).join(", ") + ",");
    return lines.join("\n");
  };

  function describe(state) {
    const s = state.settings, run = state.run;
    return `${run.losses.length} steps on ${state.points.length} points, ${s.loss} loss, ${s.optimizer} lr ${s.lr}`;
  }

  function pythonCode(state) {
    const s = state.settings, run = state.run, spec = run.spec;
    const hidden = s.activation.length ? s.activation[0] : "relu";
    const lines = [
      `"""A model trained in chainrule's playground (${describe(state)})."""`,
      "",
      ...(s.features.some((f) => f.startsWith("sin")) ? ["import math", ""] : []),
      "from nn import MLP, Layer, predict",
      "",
      "",
      "def features(x1: float, x2: float) -> list[float]:",
      `    """The model's inputs: ${s.features.join(", ")}."""`,
      `    return [${s.features.map((f) => FEATURE_PYTHON[f]).join(", ")}]`,
      "",
      "",
      `model = MLP(${spec.nin}, [${spec.sizes.join(", ")}], activation=${JSON.stringify(hidden)})`,
    ];
    let fanIn = spec.nin;
    spec.sizes.forEach((size, i) => {
      if (i < s.layers.length && s.activation[i] !== hidden) {
        lines.push(`model.layers[${i}] = Layer(${fanIn}, ${size}, ${JSON.stringify(s.activation[i])}, name="Layer ${i}")`);
      }
      fanIn = size;
    });
    lines.push(
      "# In model.parameters() order: layer by layer, neuron by neuron, its weights then its bias.",
      "WEIGHTS = [",
      list(Array.from(run.P), "    "),
      "]",
      "for parameter, weight in zip(model.parameters(), WEIGHTS, strict=True):",
      "    parameter.data = weight",
      "model.eval()",
      "",
      "if __name__ == \"__main__\":",
      `    print(predict(model, [features(0.0, 0.0), features(1.0, -0.5)]))`,
      "",
    );
    return lines.join("\n");
  }

  function torchCode(state) {
    const s = state.settings, run = state.run, spec = run.spec;
    const layers = [];
    let fanIn = spec.nin, k = 0;
    const weights = [], biases = [];
    spec.sizes.forEach((size, i) => {
      layers.push(`    nn.Linear(${fanIn}, ${size}),`);
      if (i < s.layers.length && s.activation[i] !== "linear") layers.push(`    ${TORCH_ACTIVATION[s.activation[i]]},`);
      const W = [], b = [];
      for (let n = 0; n < size; n++) {
        W.push(Array.from(run.P.slice(k, k + fanIn)));
        b.push(run.P[k + fanIn]);
        k += fanIn + 1;
      }
      weights.push(W);
      biases.push(b);
      fanIn = size;
    });
    const lines = [
      `"""The playground's model as a torch.nn module, in float64 (${describe(state)})."""`,
      "",
      "import torch",
      "from torch import nn",
      "",
      "torch.set_default_dtype(torch.float64)",
      "",
      "",
      "def features(points: torch.Tensor) -> torch.Tensor:",
      `    """Rows (x1, x2) -> the model's inputs: ${s.features.join(", ")}."""`,
      "    x1, x2 = points[:, 0], points[:, 1]",
      `    return torch.stack([${s.features.map((f) => FEATURE_TORCH[f]).join(", ")}], dim=1)`,
      "",
      "",
      "model = nn.Sequential(",
      ...layers,
      ")",
      "# Each Linear's weight is (outputs x inputs): row n holds neuron n's weights.",
      "LINEAR = [",
    ];
    weights.forEach((W, i) => {
      lines.push("    (", "        [");
      W.forEach((row) => lines.push("            [", list(row, "                "), "            ],"));
      lines.push("        ],", "        [", list(biases[i], "            "), "        ],", "    ),");
    });
    lines.push(
      "]",
      "with torch.no_grad():",
      "    linears = [m for m in model if isinstance(m, nn.Linear)]",
      "    for linear, (weight, bias) in zip(linears, LINEAR, strict=True):",
      "        linear.weight.copy_(torch.tensor(weight))",
      "        linear.bias.copy_(torch.tensor(bias))",
      "model.eval()",
      "",
      "if __name__ == \"__main__\":",
      "    print(model(features(torch.tensor([[0.0, 0.0], [1.0, -0.5]]))))",
      "",
    );
    return lines.join("\n");
  }

  function csv(state) {
    const nTrain = state.run.train.length;
    return ["x1,x2,class,split", ...state.points.map((p, i) => `${num(p[0])},${num(p[1])},${p[2]},${i < nTrain ? "train" : "test"}`)].join("\n") + "\n";
  }

  /* The run: enough to reopen it exactly where it is, and to continue it step for step. */
  function runState(state) {
    const run = state.run, o = run.opt;
    return JSON.stringify({
      chainrulePlayground: 1,
      settings: state.settings,
      points: state.points,
      weights: Array.from(run.P),
      losses: run.losses,
      testLosses: run.testLosses,
      optimizer: { steps: o.steps, deltas: Array.from(o.deltas), m: Array.from(o.m), v: Array.from(o.v) },
      shuffle: { generator: run.shuffler.getState(), order: run.order, cursor: run.cursor },
      selected: state.selected,
      param: state.param,
    });
  }

  function checkRun(text) {
    let saved;
    try { saved = typeof text === "string" ? JSON.parse(text) : text; } catch (error) { throw new Error(`playground.loadState: not JSON (${error.message})`); }
    if (!saved || saved.chainrulePlayground !== 1) throw new Error("playground.loadState: not a saved playground run (no chainrulePlayground: 1)");
    return saved;
  }

  function restore(state, saved, rebuild) {
    state.settings = saved.settings;
    state.points = saved.points;
    state.origin = "a saved run";
    rebuild();
    const run = state.run, o = run.opt;
    if (saved.weights.length !== run.P.length) throw new Error(`playground.loadState: ${saved.weights.length} weights for a model of ${run.P.length}`);
    run.P.set(saved.weights);
    run.losses.push(...saved.losses);
    run.testLosses.push(...saved.testLosses);
    o.steps = saved.optimizer.steps;
    o.deltas.set(saved.optimizer.deltas);
    o.m.set(saved.optimizer.m);
    o.v.set(saved.optimizer.v);
    run.shuffler.setState(saved.shuffle.generator);
    run.order = saved.shuffle.order;
    run.cursor = saved.shuffle.cursor;
    state.selected = saved.selected;
    state.param = saved.param;
    run.track = saved.param;
  }

  const toBase64 = (text) => btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join(""));
  const fromBase64 = (text) => new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));

  window.chainrulePlayExport = { pythonCode, torchCode, csv, runState, checkRun, restore, toBase64, fromBase64 };
})();
