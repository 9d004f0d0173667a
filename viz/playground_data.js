/* chainrule playground, the data: the page's own point generators and input features.
 *
 * The page draws new data itself when the learner picks a dataset (the data a page opens
 * with comes from Python's nn.datasets). Shapes and scales follow nn.datasets; the random
 * stream is the page's (Python's Mersenne Twister, Box-Muller noise), reproducible by seed.
 */
(function () {
  "use strict";
  if (window.chainrulePlayData) return;
  const { MersenneTwister } = window.chainrulePlayEngine;

  function shuffled(points, rng) {
    for (let i = points.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [points[i], points[j]] = [points[j], points[i]];
    }
    return points;
  }

  const GENERATORS = {
    moons(n, noise, rng) { // two interleaving half circles, as make_moons
      const out = [], half = Math.floor(n / 2);
      for (let i = 0; i < n; i++) {
        const inner = i >= n - half, m = inner ? half : n - half, k = inner ? i - (n - half) : i;
        const t = m > 1 ? (Math.PI * k) / (m - 1) : 0;
        const x = inner ? 1 - Math.cos(t) : Math.cos(t), y = inner ? 0.5 - Math.sin(t) : Math.sin(t);
        out.push([x + noise * rng.gauss(), y + noise * rng.gauss(), inner ? 1 : 0]);
      }
      return out;
    },
    circles(n, noise, rng) { // a circle inside another (factor 0.5), as make_circles
      const out = [], half = Math.floor(n / 2);
      for (let i = 0; i < n; i++) {
        const inner = i >= n - half, m = inner ? half : n - half, k = inner ? i - (n - half) : i;
        const t = (2 * Math.PI * k) / m, r = inner ? 0.5 : 1.0;
        out.push([r * Math.cos(t) + noise * rng.gauss(), r * Math.sin(t) + noise * rng.gauss(), inner ? 1 : 0]);
      }
      return out;
    },
    blobs(n, noise, rng, classes) { // Gaussian blobs around centres on a circle of radius 1.7
      const out = [];
      for (let i = 0; i < n; i++) {
        const c = i % classes, a = Math.PI / 2 + (2 * Math.PI * c) / classes;
        const spread = 0.35 + noise;
        out.push([1.7 * Math.cos(a) + spread * rng.gauss(), 1.7 * Math.sin(a) + spread * rng.gauss(), c]);
      }
      return out;
    },
    xor(n, noise, rng) { // the four corners: class 1 where x1 x2 > 0
      const out = [];
      for (let i = 0; i < n; i++) {
        const x = rng.uniform(-1, 1), y = rng.uniform(-1, 1);
        out.push([x + noise * rng.gauss(), y + noise * rng.gauss(), x * y > 0 ? 1 : 0]);
      }
      return out;
    },
    spiral(n, noise, rng, classes) { // interleaved arms, one per class
      const out = [];
      for (let i = 0; i < n; i++) {
        const c = i % classes, t = (Math.floor(i / classes) / Math.ceil(n / classes)) * 1.0;
        const angle = t * 3 * Math.PI + (2 * Math.PI * c) / classes + noise * rng.gauss();
        out.push([t * 1.8 * Math.cos(angle), t * 1.8 * Math.sin(angle), c]);
      }
      return out;
    },
  };

  function generate(name, n, noise, seed, classes) {
    const make = GENERATORS[name];
    if (!make) throw new Error(`playground: unknown dataset ${JSON.stringify(name)}`);
    const rng = MersenneTwister(seed);
    return shuffled(make(n, noise, rng, Math.max(2, classes || 2)), rng);
  }

  // The model's inputs (TensorFlow Playground's features); the same formulas are in the
  // Python and PyTorch code the page exports (viz/playground_export.js).
  const FEATURES = {
    x1: (a, b) => a,
    x2: (a, b) => b,
    "x1^2": (a, b) => a * a,
    "x2^2": (a, b) => b * b,
    "x1*x2": (a, b) => a * b,
    "sin(x1)": (a, b) => Math.sin(a),
    "sin(x2)": (a, b) => Math.sin(b),
  };

  window.chainrulePlayData = { generate, FEATURES, GENERATORS };
})();
