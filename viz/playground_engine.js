/* chainrule playground, the engine: the numbers of training, nothing on screen.
 *
 * - MersenneTwister mirrors CPython's random.Random(seed) (init_by_array, genrand_res53),
 *   so weights start exactly where MLP(..., seed=seed) starts them.
 * - compileModel turns a model's graph for one sample into straight-line JavaScript,
 *   from the op table's own formulas (viz/playground.py sends each op's forward and
 *   partials as expression templates, written by the formulas the Python engine runs).
 * - models, losses and optimizers are composed as nn composes them (nn/layers.py,
 *   nn/losses.py, autograd/functional.py's log_softmax, nn/optim/rules.py).
 */
(function () {
  "use strict";
  if (window.chainrulePlayEngine) return;
  const N = 624, M = 397;

  function MersenneTwister(seed) {
    const mt = new Uint32Array(N);
    const init = (s) => {
      mt[0] = s >>> 0;
      for (let i = 1; i < N; i++) {
        const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
        mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
      }
    };
    // CPython seeds with the 32-bit words of |seed|, least significant first.
    let n = Math.abs(Math.floor(seed));
    const key = [];
    do { key.push(n % 4294967296); n = Math.floor(n / 4294967296); } while (n > 0);
    init(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1664525)) >>> 0) + key[j] + j;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(p, 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
    let index = N;
    const next = () => {
      if (index >= N) {
        for (let k = 0; k < N; k++) {
          const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
          mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
        }
        index = 0;
      }
      let y = mt[index++];
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      return y >>> 0;
    };
    const random = () => {
      const a = next() >>> 5, b = next() >>> 6;
      return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    };
    return {
      random,
      uniform: (a, b) => a + (b - a) * random(),
      gauss: () => { // Box-Muller: the page's own data noise (not Python's gauss)
        const u = 1 - random(), v = random();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      },
      below: (n) => Math.floor(random() * n),
      getState: () => ({ words: Array.from(mt), index }),
      setState: (saved) => { mt.set(saved.words); index = saved.index; },
    };
  }

  // The registry's elementary functions (autograd/elementary.py), with its edge rules.
  const HELPERS = {
    _exp: Math.exp,
    _expm1: Math.expm1,
    _log: Math.log, // log(0) = -inf, log(-1) = NaN: training stops at a non-finite loss
    _sqrt: Math.sqrt,
    _tanh: Math.tanh,
    _sigmoid: (x) => { // two branches, so exp never sees a large positive argument
      if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
      const e = Math.exp(x);
      return e / (1.0 + e);
    },
    _softplus: (x) => (0.0 > x ? 0.0 : x) + Math.log1p(Math.exp(-Math.abs(x))), // Python's max(x, 0.0)
    _abs: Math.abs,
    _sign: (x) => (x > 0 ? 1.0 : x < 0 ? -1.0 : x === 0 ? 0.0 : x),
    _sin: Math.sin,
    _cos: Math.cos,
    _maximum: (x, y) => (x > y ? x : x <= y ? y : NaN),
    _compare: (x, y) => (x > y ? 1.0 : x < y ? -1.0 : x === y ? 0.0 : NaN),
    _pow: Math.pow,
    // x ** y log(x) ** k, pow's y-partial (power: x ** y, if at hand); 0 at x = 0 for y > 0
    // and where the power is 0 (x = inf, y < 0); log(0) and log(x < 0) are the engine's
    // errors, a non-finite number here.
    _powlog: (x, y, k, power) => {
      if (k === 0) return Math.pow(x, y);
      if (x === 0) return y > 0 ? 0.0 : y !== y ? y : -Infinity;
      const p = power === undefined ? Math.pow(x, y) : power;
      if (!p && !(x < 0)) return p;
      const l = Math.log(x);
      return p * (k === 1 ? l : l ** k);
    },
    _pow_corner: (x, y) => 0.0 * x * y, // 0; on Values a node with no y-derivative
    _positive: (a, value) => { if (a <= 0) throw new Error("alpha must be > 0"); return value; },
  };

  /* Python's sum() of floats: left to right up to 3.11; from 3.12 Neumaier's compensated
     sum (CPython's builtin sum, which the engine's variadic kernels call). The page uses
     the rule of the Python that wrote it, so that its sums round as fit's do. */
  function neumaier(xs, n) {
    let total = xs[0], c = 0.0;
    for (let i = 1; i < n; i++) {
      const x = xs[i], t = total + x;
      c += Math.abs(total) >= Math.abs(x) ? (total - t) + x : (x - t) + total;
      total = t;
    }
    return c && Number.isFinite(c) ? total + c : total;
  }
  function naive(xs, n) {
    let total = 0.0;
    for (let i = 0; i < n; i++) total += xs[i];
    return total;
  }
  HELPERS._sum = (...xs) => neumaier(xs, xs.length);

  // Weight initialisation bounds of nn.activations.init_bound, by activation.
  const INIT = { relu: "he", leaky_relu: "he", tanh: "xavier", sigmoid: "xavier", linear: "xavier" };
  function initBound(activation, fanIn, fanOut) {
    return INIT[activation] === "he" ? Math.sqrt(6.0 / fanIn) : Math.sqrt(6.0 / (fanIn + fanOut));
  }

  /* A model: spec = {nin, sizes: [hidden..., outputs], activations: [one per layer]}.
     Parameters in nn's order: layer by layer, neuron by neuron, weights then bias. */
  function parameterCount(spec) {
    let count = 0, fanIn = spec.nin;
    for (const size of spec.sizes) { count += size * (fanIn + 1); fanIn = size; }
    return count;
  }

  function initialWeights(spec, seed) {
    const rng = MersenneTwister(seed), P = new Float64Array(parameterCount(spec));
    let k = 0, fanIn = spec.nin;
    spec.sizes.forEach((size, layer) => {
      const bound = initBound(spec.activations[layer], fanIn, size);
      for (let n = 0; n < size; n++) {
        for (let w = 0; w < fanIn; w++) P[k++] = rng.uniform(-bound, bound);
        P[k++] = 0.0;
      }
      fanIn = size;
    });
    return P;
  }

  /* The graph of one sample, as nn builds it: a list of nodes, parents before children. */
  function buildGraph(spec, features, loss) {
    const nodes = [];
    const add = (node) => { nodes.push(node); return nodes.length - 1; };
    const op = (name, parents, scope, konst) => add({ op: name, parents, scope, konst: konst || null, kind: "op" });
    let values = features.map((f, i) => add({ op: null, parents: [], kind: "input", index: i, label: f, scope: "" }));
    const neurons = []; // per layer, per neuron: {z, out, params: [first, count]}
    let k = 0;
    spec.sizes.forEach((size, layer) => {
      const act = spec.activations[layer], outs = [], row = [];
      for (let n = 0; n < size; n++) {
        const scope = `Layer ${layer}/Neuron ${n}`;
        const first = k, pair = [];
        values.forEach((x, i) => pair.push(add({ op: null, parents: [], kind: "param", index: k++, label: `w${i}`, scope }), x));
        const b = add({ op: null, parents: [], kind: "param", index: k++, label: "b", scope });
        const z = op("add", [op("dot", pair, scope), b], scope);
        let out = z;
        if (act === "relu" || act === "tanh" || act === "sigmoid") out = op(act, [z], scope);
        else if (act === "leaky_relu") out = op("leaky_relu", [z], scope, { slot: 1, value: 0.01 });
        outs.push(out);
        row.push({ z, out, first, count: k - first });
      }
      neurons.push(row);
      values = outs;
    });
    const outputs = values, modelEnd = nodes.length;
    const width = loss === "cross_entropy" ? outputs.length : 1;
    const t = [];
    for (let i = 0; i < width; i++) t.push(add({ op: null, parents: [], kind: "target", index: i, label: `t${i}`, scope: "" }));
    let root;
    if (loss === "hinge") { // relu(1 - y s)
      root = op("relu", [op("sub", [op("mul", [t[0], outputs[0]], "hinge")], "hinge", { slot: 0, value: 1.0 })], "hinge");
    } else if (loss === "bce") { // t softplus(-z) + (1 - t) softplus(z)
      const z = outputs[0];
      const left = op("mul", [t[0], op("softplus", [op("neg", [z], "bce")], "bce")], "bce");
      const right = op("mul", [op("sub", [t[0]], "bce", { slot: 0, value: 1.0 }), op("softplus", [z], "bce")], "bce");
      root = op("add", [left, right], "bce");
    } else { // -dot(t, log_softmax(z)), the shift a balanced tree of max nodes
      let level = outputs;
      while (level.length > 1) {
        const pairs = [];
        for (let i = 0; i + 1 < level.length; i += 2) pairs.push(op("max", [level[i], level[i + 1]], "log_softmax/shift"));
        level = pairs.concat(level.slice(pairs.length * 2));
      }
      const shifted = outputs.map((z) => op("sub", [z, level[0]], "log_softmax"));
      const logTotal = op("log", [op("sum", shifted.map((s) => op("exp", [s], "log_softmax")), "log_softmax")], "log_softmax");
      const logp = shifted.map((s) => op("sub", [s, logTotal], "log_softmax"));
      const pairs = [];
      logp.forEach((l, i) => pairs.push(t[i], l));
      root = op("neg", [op("dot", pairs, "cross_entropy")], "cross_entropy");
    }
    return { nodes, outputs, neurons, modelEnd, root, width, nin: features.length, params: k };
  }

  /* Straight-line code for a graph: the op table's templates with operands substituted. */
  function compileGraph(graph, ops, compensated) {
    const ref = (node, slot) => {
      if (node.konst && slot === node.konst.slot) return `(${node.konst.value})`;
      const parent = node.konst && slot > node.konst.slot ? slot - 1 : slot;
      return `v[${node.parents[parent]}]`;
    };
    const fill = (template, node, i, base) =>
      template.replace(/\$(\d+|out)/g, (_, s) => (s === "out" ? `v[${i}]` : ref(node, base + Number(s))));
    const forward = [], backward = [], edges = [];
    graph.nodes.forEach((node, i) => {
      if (node.kind === "input") forward.push(`v[${i}] = X[s * ${graph.nin} + ${node.index}];`);
      else if (node.kind === "param") forward.push(`v[${i}] = P[${node.index}];`);
      else if (node.kind === "target") forward.push(`v[${i}] = T[s * ${graph.width} + ${node.index}];`);
      else {
        const entry = ops[node.op];
        if (entry.variadic) {
          const size = entry.partials.length, terms = [];
          for (let g = 0; g < node.parents.length; g += size) terms.push(fill(entry.forward, node, i, g));
          forward.push(`v[${i}] = ${compensated && terms.length > 1 ? `_sum(${terms.join(", ")})` : terms.join(" + ")};`);
        } else forward.push(`v[${i}] = ${fill(entry.forward, node, i, 0)};`);
      }
    });
    for (let i = graph.nodes.length - 1; i >= 0; i--) {
      const node = graph.nodes[i];
      if (node.kind !== "op") continue;
      const entry = ops[node.op], size = entry.partials.length;
      const slots = node.parents.length + (node.konst ? 1 : 0);
      for (let slot = 0; slot < slots; slot++) {
        if (node.konst && slot === node.konst.slot) continue;
        const parent = node.parents[node.konst && slot > node.konst.slot ? slot - 1 : slot];
        if (graph.nodes[parent].kind === "target") continue;
        const base = entry.variadic ? slot - (slot % size) : 0;
        const partial = fill(entry.partials[entry.variadic ? slot % size : slot], node, i, base);
        backward.push(`g[${parent}] += g[${i}] * ${partial};`);
        edges.push({ child: i, parent, slot, partial });
      }
    }
    const collect = graph.nodes.map((node, i) => (node.kind === "param" ? `G[${node.index}] += g[${i}];` : "")).filter(Boolean);
    const helpers = Object.assign({ _total: compensated ? neumaier : naive }, HELPERS);
    const names = Object.keys(helpers);
    const head = `"use strict"; const nan = NaN, inf = Infinity;`;
    // run: the summed loss of samples idx[0..count); with G, adds the gradient of
    // scale * that sum into G; leaves sample idx[0]'s values and grads in v and g.
    // Samples run last to first and their losses are summed first to last: the order in
    // which the Python engine's backward walk reaches them (a depth-first walk from the
    // mean puts sample 0's nodes first) and its sum node adds them, so a parameter's
    // gradient is the same sum in the same order, rounding included.
    const run = new Function(...names, `${head} return function (P, X, T, idx, count, G, scale, v, g, L, S, track) {
      for (let b = count - 1; b >= 0; b--) {
        const s = idx[b];
        ${forward.join("\n")}
        L[b] = v[${graph.root}];
        if (G !== null) {
          g.fill(0.0); g[${graph.root}] = scale;
          ${backward.join("\n")}
          ${collect.join("\n")}
          if (S) S[b] = g[track];
        }
      }
      return _total(L, count);
    };`)(...names.map((n) => helpers[n]));
    const record = [];
    graph.neurons.forEach((row) => row.forEach((n) => record.push(n.out)));
    // predict: every neuron's output (the last layer's are the model's) at count points.
    const predict = new Function(...names, `${head} return function (P, X, count, v, out) {
      for (let s = 0; s < count; s++) {
        ${forward.slice(0, graph.modelEnd).join("\n")}
        ${record.map((r, j) => `out[s * ${record.length} + ${j}] = v[${r}];`).join("\n")}
      }
    };`)(...names.map((n) => helpers[n]));
    // chain: each edge's local partial (D) and chain-rule product g × partial (E), in the
    // order backward adds them, for the values v and gradients g of one sample.
    const chain = new Function(...names, `${head} return function (v, g, D, E) {
      ${edges.map((e, n) => `D[${n}] = ${e.partial}; E[${n}] = g[${e.child}] * D[${n}];`).join("\n")}
    };`)(...names.map((n) => helpers[n]));
    return { run, predict, chain, edges, recorded: record.length, size: graph.nodes.length };
  }

  /* The optimizers of nn/optim/rules.py, one parameter at a time, same operation order. */
  function makeOptimizer(kind, count) {
    const state = { kind, steps: 0, deltas: new Float64Array(count), m: new Float64Array(count), v: new Float64Array(count) };
    state.step = (P, G, o) => {
      if (kind === "sgd") {
        for (let k = 0; k < count; k++) {
          const g = o.weightDecay ? G[k] + o.weightDecay * P[k] : G[k];
          let delta = -o.lr * g;
          if (o.momentum) delta = delta + o.momentum * state.deltas[k];
          state.deltas[k] = delta;
          P[k] = P[k] + delta;
        }
        return;
      }
      state.steps += 1;
      const b1 = 0.9, b2 = 0.999, eps = 1e-8;
      const c1 = 1.0 - Math.pow(b1, state.steps), c2 = 1.0 - Math.pow(b2, state.steps);
      for (let k = 0; k < count; k++) {
        let w = P[k], g = G[k];
        if (kind === "adamw") { if (o.weightDecay) w = w * (1.0 - o.lr * o.weightDecay); }
        else if (o.weightDecay) g = g + o.weightDecay * w;
        const m = (state.m[k] = b1 * state.m[k] + (1.0 - b1) * g);
        const v = (state.v[k] = b2 * state.v[k] + (1.0 - b2) * g * g);
        P[k] = w - o.lr * (m / c1) / (Math.sqrt(v / c2) + eps);
      }
    };
    return state;
  }


  /* A training run: the data split, the compiled model, its weights, optimizer and losses. */
  function targetsOf(points, loss, width) {
    const T = new Float64Array(points.length * width);
    points.forEach((p, i) => {
      const c = p[2];
      if (loss === "hinge") T[i] = c === 1 ? 1.0 : -1.0;
      else if (loss === "bce") T[i] = c === 1 ? 1.0 : 0.0;
      else T[i * width + c] = 1.0;
    });
    return T;
  }

  function featuresOf(points, features) {
    const F = window.chainrulePlayData.FEATURES, X = new Float64Array(points.length * features.length);
    points.forEach((p, i) => features.forEach((f, j) => { X[i * features.length + j] = F[f](p[0], p[1]); }));
    return X;
  }

  function Session(settings, points, ops, compensated) {
    const s = settings;
    const nTest = Math.floor(points.length * s.testFraction);
    const train = points.slice(0, points.length - nTest), test = points.slice(points.length - nTest);
    const classes = Math.max(2, s.classes, ...points.map((p) => p[2] + 1));
    const outputs = s.loss === "cross_entropy" ? classes : 1;
    const spec = { nin: s.features.length, sizes: [...s.layers, outputs], activations: [...s.activation, "linear"] };
    const graph = buildGraph(spec, s.features, s.loss);
    const code = compileGraph(graph, ops, compensated);
    const P = initialWeights(spec, s.seed), G = new Float64Array(P.length);
    const run = {
      settings: s, points, train, test, classes, outputs, spec, graph, code, P, G,
      X: featuresOf(train, s.features), T: targetsOf(train, s.loss, graph.width),
      Xt: featuresOf(test, s.features), Tt: targetsOf(test, s.loss, graph.width),
      v: new Float64Array(graph.nodes.length), g: new Float64Array(graph.nodes.length),
      opt: makeOptimizer(s.optimizer, P.length), losses: [], testLosses: [], diverged: null,
      shuffler: MersenneTwister(s.seed), order: [], cursor: 0, batch: new Int32Array(train.length),
      L: new Float64Array(Math.max(train.length, test.length, 1)),
      shares: new Float64Array(Math.max(train.length, 1)), track: 0, sharesOf: null,
      paramNode: graph.nodes.reduce((map, node, i) => { if (node.kind === "param") map[node.index] = i; return map; }, []),
      all: Int32Array.from(test.length > train.length ? test.keys() : train.keys()),
    };
    run.nextBatch = () => { // full batch: every point in order; else an epoch's shuffle, in slices
      const n = train.length, size = s.batchSize && s.batchSize < n ? s.batchSize : n;
      if (size === n) { for (let i = 0; i < n; i++) run.batch[i] = i; return n; }
      if (run.cursor >= run.order.length) {
        run.order = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) { const j = run.shuffler.below(i + 1); [run.order[i], run.order[j]] = [run.order[j], run.order[i]]; }
        run.cursor = 0;
      }
      const count = Math.min(size, n - run.cursor);
      for (let i = 0; i < count; i++) run.batch[i] = run.order[run.cursor + i];
      run.cursor += count;
      return count;
    };
    run.penalty = () => {
      if (!s.l2) return 0.0;
      const squares = P.map((p) => p * p);
      return s.l2 * (compensated ? neumaier(squares, squares.length) : naive(squares, squares.length));
    };
    // One step: the batch's objective (mean loss + l2 Σp²), its gradient in G, an update.
    run.step = () => {
      if (run.diverged || train.length === 0) return null;
      const count = run.nextBatch();
      G.fill(0.0);
      // The L2 term's two contributions come first, as the backward walk reaches them first.
      if (s.l2) for (let k = 0; k < P.length; k++) { G[k] += s.l2 * P[k]; G[k] += s.l2 * P[k]; }
      // The followed parameter's share from each sample is kept as the step computes it.
      const total = code.run(P, run.X, run.T, run.batch, count, G, 1.0 / count, run.v, run.g, run.L, run.shares, run.paramNode[run.track] ?? 0);
      run.sharesOf = { k: run.track, count, l2: s.l2 ? s.l2 * P[run.track] + s.l2 * P[run.track] : 0.0 };
      const objective = total / count + run.penalty();
      if (!Number.isFinite(objective)) {
        run.diverged = `the loss became ${objective} at step ${run.losses.length + 1}: try a smaller learning rate`;
        return null;
      }
      run.lastBatch = count;
      run.opt.step(P, G, s);
      run.losses.push(objective);
      run.testLosses.push(test.length ? run.lossOn(run.Xt, run.Tt, test.length) : null);
      return objective;
    };
    run.lossOn = (X, T, n) => code.run(P, X, T, run.all, n, null, 0.0, run.v, run.g, run.L) / n;
    // One point through the graph, at the current weights: every node's value and the
    // gradient of this point's own loss (seeded with 1), each edge's partial and product.
    run.sample = (point) => {
      const X = featuresOf([point], s.features), T = targetsOf([point], s.loss, graph.width);
      const Gs = new Float64Array(P.length), D = new Float64Array(code.edges.length), E = new Float64Array(code.edges.length);
      code.run(P, X, T, Int32Array.of(0), 1, Gs, 1.0, run.v, run.g, run.L);
      code.chain(run.v, run.g, D, E);
      return { values: Float64Array.from(run.v), grads: Float64Array.from(run.g), partials: D, products: E, paramGrads: Gs };
    };
    // How parameter k's gradient adds up over a batch at the current weights: each
    // sample's share (1/n of its loss's gradient), in the order backward adds them.
    // How the last step's gradient of parameter k added up: the L2 term's share, then each
    // sample's share in the order backward added them (kept during the step). Before any
    // step, or for another parameter, computed now at the current weights.
    run.contributions = (k) => {
      const kept = run.sharesOf;
      if (kept && kept.k === k) {
        let total = kept.l2;
        for (let b = kept.count - 1; b >= 0; b--) total += run.shares[b];
        return { samples: Array.from(run.batch.subarray(0, kept.count)), shares: run.shares.slice(0, kept.count), l2: kept.l2, total, atStep: run.losses.length };
      }
      return run.contributionsNow(k);
    };
    run.contributionsNow = (k) => {
      const count = run.lastBatch || train.length, idx = run.lastBatch ? run.batch : run.all;
      const Gs = new Float64Array(P.length), shares = new Float64Array(count);
      let total = s.l2 ? s.l2 * P[k] + s.l2 * P[k] : 0.0;
      const l2 = total;
      for (let b = count - 1; b >= 0; b--) {
        Gs[k] = 0.0;
        code.run(P, run.X, run.T, idx.subarray(b, b + 1), 1, Gs, 1.0 / count, run.v, run.g, run.L);
        shares[b] = Gs[k];
        total += Gs[k];
      }
      return { samples: Array.from(idx.subarray(0, count)), shares, l2, total, atStep: null };
    };
    return run;
  }

  window.chainrulePlayEngine = {
    MersenneTwister, HELPERS, initialWeights, parameterCount, buildGraph, compileGraph, makeOptimizer, Session, featuresOf, targetsOf,
  };
})();
