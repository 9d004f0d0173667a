/* chainrule playground, the chain rule live: one sample's graph, and one weight's batch sum.
 *
 * mount(panel, state, actions) shows the selected point's computation graph folded by
 * neuron (a click opens a neuron into its nodes and edges), every value, gradient and
 * per-edge chain-rule product (local partial × upstream gradient) at the current
 * weights; a backward stepper walks it from the loss, one node at a time; and the
 * selected weight's gradient as the sum of each batch sample's share.
 */
(function () {
  "use strict";
  if (window.chainrulePlaySample) return;
  const fmt = (x) => (!Number.isFinite(x) ? String(x) : x === 0 ? "0" : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(4));
  const OPS = { dot: "Σ w·x", add: "+", relu: "ReLU", tanh: "tanh", sigmoid: "sigmoid", leaky_relu: "leaky ReLU",
    mul: "×", sub: "−", neg: "−", softplus: "softplus", max: "max", exp: "exp", log: "log", sum: "Σ" };

  function mount(panel, state, actions) {
    const open = new Set();
    let stepIndex = null, last = null;
    panel.addEventListener("click", (event) => {
      const target = event.target.closest("[data-act]");
      if (!target) return;
      const act = target.getAttribute("data-act");
      if (act === "toggle") { const key = target.getAttribute("data-key"); if (open.has(key)) open.delete(key); else open.add(key); }
      else if (act === "back") stepIndex = stepIndex === null ? 0 : stepIndex + 1;
      else if (act === "forward") stepIndex = stepIndex === null || stepIndex === 0 ? null : stepIndex - 1;
      else if (act === "all") stepIndex = null;
      else if (act === "close") { actions.selectSample(null); return; }
      draw();
    });

    const opNodes = () => state.run.graph.nodes.map((n, i) => i).filter((i) => state.run.graph.nodes[i].kind === "op").reverse();

    function sampleGraph() {
      const run = state.run, point = state.points[state.selected];
      const traced = run.sample(point);
      return { point, traced, nodes: run.graph.nodes, edges: run.code.edges };
    }

    function draw() {
      const run = state.run;
      if (state.selected === null || state.selected >= state.points.length) {
        panel.innerHTML = `<h3>The chain rule of one sample</h3><p class="cp-note">Click a point on the plot (mode “select a point”) to see its computation graph, with every value and gradient, updating as the network trains.</p>${weightHtml()}`;
        return;
      }
      const { point, traced } = (last = sampleGraph());
      const { values, grads, partials, products } = traced;
      const nodes = run.graph.nodes, edges = run.code.edges, order = opNodes();
      const stepping = stepIndex !== null, current = stepping ? order[Math.min(stepIndex, order.length - 1)] : null;
      if (stepping && stepIndex >= order.length) stepIndex = order.length - 1;
      // While stepping, a node's gradient is known once every node that uses it (a higher
      // index) has passed its share on: the nodes from `current` up have.
      const firstUser = new Map();
      edges.forEach((e) => firstUser.set(e.parent, Math.min(firstUser.get(e.parent) ?? Infinity, e.child)));
      const known = (i) => !stepping || i >= current || (firstUser.get(i) ?? Infinity) >= current;
      const g = (i) => (known(i) ? fmt(grads[i]) : "?");
      const byChild = new Map();
      edges.forEach((e, n) => { if (!byChild.has(e.child)) byChild.set(e.child, []); byChild.get(e.child).push(n); });
      // One name for a neuron, on its box and on every edge from it.
      const layers = run.graph.neurons.length, neuronName = (l, n) => `${l === layers - 1 ? "output" : "L" + l} · N${n}`;
      const neuronOf = new Map();
      run.graph.neurons.forEach((row, l) => row.forEach((neuron, n) => neuronOf.set(neuron.out, neuronName(l, n))));
      const edgeText = (n) => {
        const e = edges[n], p = nodes[e.parent];
        const name = p.kind === "param" || p.kind === "input" ? p.label : neuronOf.get(e.parent) || OPS[p.op] || p.op;
        return `<div class="cp-edge${current === e.child ? " on" : ""}">→ ${name}: ∂ ${fmt(partials[n])} × g ${g(e.child)} = <b>${!stepping || e.child >= current ? fmt(products[n]) : "?"}</b></div>`;
      };
      const nodeRow = (i) => `<div class="cp-node${current === i ? " on" : ""}"><span>${OPS[nodes[i].op] || nodes[i].op}</span> ${fmt(values[i])} <i>g ${g(i)}</i></div>${(byChild.get(i) || []).map(edgeText).join("")}`;
      const columns = [];
      columns.push(`<div class="cp-col"><div class="cp-col-head">inputs</div>${nodes.filter((n) => n.kind === "input").map((n) => `<div class="cp-box"><b>${n.label}</b> ${fmt(values[nodes.indexOf(n)])}</div>`).join("")}</div>`);
      run.graph.neurons.forEach((row, l) => {
        const boxes = row.map((neuron, n) => {
          const key = `${l}/${n}`, dot = nodes[neuron.z].parents[0];
          const inside = current !== null && current >= dot && current <= neuron.out && current >= neuron.z - 1;
          const isOpen = open.has(key) || inside;
          const body = isOpen ? [neuron.out, neuron.z, dot].filter((v, i, a) => a.indexOf(v) === i && nodes[v].kind === "op").map(nodeRow).join("") : "";
          return `<div class="cp-box${isOpen ? " open" : ""}${inside ? " on" : ""}" data-act="toggle" data-key="${key}" title="click to ${isOpen ? "fold" : "open"}"><b>${neuronName(l, n)}</b> ${fmt(values[neuron.out])} <i>g ${g(neuron.out)}</i>${body}</div>`;
        });
        columns.push(`<div class="cp-col"><div class="cp-col-head">${l === run.graph.neurons.length - 1 ? "output" : "layer " + l}</div>${boxes.join("")}</div>`);
      });
      const lossNodes = [];
      for (let i = run.graph.modelEnd; i < nodes.length; i++) if (nodes[i].kind === "op") lossNodes.push(i);
      columns.push(`<div class="cp-col cp-loss"><div class="cp-col-head">loss (${state.settings.loss})</div>${lossNodes.reverse().map((i) => `<div class="cp-box open${current === i ? " on" : ""}">${nodeRow(i)}</div>`).join("")}</div>`);
      const where = stepping
        ? `backward step ${stepIndex + 1} of ${order.length}: at <b>${OPS[nodes[current].op] || nodes[current].op}</b>${nodes[current].scope ? ` (${nodes[current].scope})` : ""}, g = ${fmt(grads[current])}; it adds g × ∂ to each input`
        : "all gradients shown";
      panel.innerHTML = `<h3>The chain rule of sample ${state.selected} <span class="cp-note">(x1 = ${fmt(point[0])}, x2 = ${fmt(point[1])}, class ${point[2]}; loss ${fmt(values[run.graph.root])}; g = ∂(this sample's loss)/∂node)</span></h3>
        <div class="cp-stepper"><button data-act="forward" title="one step back up">◀</button><button data-act="back" title="one backward step, from the loss towards the inputs">backward step ▶</button><button data-act="all">show all</button><button data-act="close">close</button><span>${where}</span></div>
        <div class="cp-graph">${columns.join("")}</div>${weightHtml()}`;
    }

    function weightHtml() {
      const run = state.run, k = state.param, parts = run.contributions(k);
      const n = parts.shares.length, biggest = Math.max(...parts.shares.map(Math.abs), 1e-300);
      const bars = Array.from(parts.shares, (v, b) => {
        const h = Math.round((Math.abs(v) / biggest) * 28), mine = parts.samples[b] === state.selected;
        return `<span class="cp-bar${v < 0 ? " neg" : ""}${mine ? " mine" : ""}" style="height:${Math.max(1, h)}px" title="sample ${parts.samples[b]}: ${fmt(v)}"></span>`;
      }).join("");
      const when = parts.atStep ? `the gradient of step ${parts.atStep}` : "the gradient at the current weights";
      return `<h3>How a weight's gradient adds up over the batch</h3><div class="cp-sum">${actions.parameterName(k)}, ${when}: Σ over ${n} samples of (1/${n}) ∂Lᵢ/∂w${parts.l2 ? ` + 2λw (${fmt(parts.l2)})` : ""} = <b>${fmt(parts.total)}</b> <span class="cp-note">(click a weight line or a neuron to follow another)</span></div><div class="cp-bars">${bars}</div>`;
    }

    return {
      draw,
      sampleGraph: () => {
        if (state.selected === null) return null;
        const { traced } = sampleGraph(), run = state.run;
        return {
          nodes: run.graph.nodes.map((n, i) => ({ kind: n.kind, op: n.op, label: n.label || "", scope: n.scope, index: n.index, value: traced.values[i], grad: traced.grads[i] })),
          edges: run.code.edges.map((e, n) => ({ child: e.child, parent: e.parent, partial: traced.partials[n], product: traced.products[n] })),
          paramGrads: Array.from(traced.paramGrads),
        };
      },
      contributions: (k) => { const c = state.run.contributions(k); return { samples: c.samples, shares: Array.from(c.shares), l2: c.l2, total: c.total, atStep: c.atStep }; },
      stepper: () => stepIndex,
    };
  }

  window.chainrulePlaySample = { mount };
})();
