// chainrule's graph explorer. Python ships every number and label as text; this script
// only decides what is open, lays the open graph out and switches what is shown.
// Layout: a layered one. Each shown unit (a Value, or a folded scope's box) gets the
// column of its longest path from the inputs; each open scope is packed as one block of
// its units and nested blocks, so frames never overlap. No recursion over the graph.
function chainruleExplorer(ident) {
  "use strict";
  var host = document.getElementById(ident);
  var data = JSON.parse(host.querySelector(".cr-data").textContent);
  var values = data.values.map(function (row) {  // rows under data.fields -> objects
    var value = {};
    data.fields.forEach(function (name, k) { value[name] = row[k]; });
    return value;
  });
  var hasConstant = values.some(function (v) { return v.kind === "constant"; });
  // A graph over max_values: value 0 is one box standing for every value left out, and
  // each edge from it is a real edge from one of those values (Python decided which).
  var CUT = data.cut ? 1 : 0;
  var scopes = data.scopes;
  var N = values.length, S = scopes.length;
  // Widths in px: a column is as wide as its widest unit (a folded box has longer lines).
  var BOX_W = 236, VALUE_W = 150, COLUMN_GAP = 74, ROW = 14, GAP = 10, HEADER = 16, MARGIN = 30;
  var SVGNS = "http://www.w3.org/2000/svg";

  function end(tag) { return "<" + "/" + tag + ">"; }
  // Text into markup. A control character (NUL, tab, newline, ...) is shown as its
  // Unicode control picture (U+2400 + its code; DEL as U+2421), and half of a surrogate
  // pair alone as U+FFFD: the HTML parser would drop or replace them, or the reader would
  // not see them at all.
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;").replace(/"/g, "&quot;")
      .replace(/[\u0000-\u001f\u007f]/g, function (c) {
        return c === "\u007f" ? "\u2421" : String.fromCharCode(0x2400 + c.charCodeAt(0));
      })
      .replace(/\p{Cs}/gu, "\ufffd");
  }

  // --- what never changes: scope chains, consumers, paths -------------------------
  var chains = new Array(N);  // scope indices holding value i, outermost first
  for (var i = 0; i < N; i++) {
    var chain = [];
    for (var s = values[i].scope; s >= 0; s = scopes[s].parent) chain.push(s);
    chains[i] = chain.reverse();
  }
  var consumers = new Array(N);
  for (i = 0; i < N; i++) consumers[i] = [];
  for (i = 0; i < N; i++) {
    var ps = values[i].parents;
    for (var k = 0; k < ps.length; k++) consumers[ps[k]].push([i, k]);
  }
  // A Map, not an object: a scope may be named "__proto__", "constructor" or "n0".
  var byPath = new Map();
  for (s = 0; s < S; s++) byPath.set(scopes[s].path, s);
  var nested = new Array(S);  // child scopes in creation order
  for (s = 0; s < S; s++) nested[s] = [];
  var topScopes = [];
  var ordered = [];
  for (s = 0; s < S; s++) ordered.push(s);
  ordered.sort(function (a, b) { return scopes[a].order - scopes[b].order; });
  ordered.forEach(function (t) {
    (scopes[t].parent >= 0 ? nested[scopes[t].parent] : topScopes).push(t);
  });
  var ROOT = N - 1;
  // What the panel calls each value: its label, else its op (or "input") in its scope;
  // where several values of one scope share a name, "#k" numbers them in graph order.
  var names = new Array(N);
  (function () {
    var count = new Map(), seen = new Map(), k, key;
    for (k = 0; k < N; k++) {
      var v = values[k];
      names[k] = v.label || v.opName || (v.kind === "parameter" ? "parameter" : "input");
      key = v.scope + "\u0000" + names[k];
      count.set(key, (count.get(key) || 0) + 1);
    }
    for (k = 0; k < N; k++) {
      key = values[k].scope + "\u0000" + names[k];
      if (count.get(key) > 1) {
        seen.set(key, (seen.get(key) || 0) + 1);
        names[k] += " #" + seen.get(key);
      }
    }
  })();

  // --- state ------------------------------------------------------------------------
  var open = new Uint8Array(S);
  var selected = -1, focus = null, matches = null, stepIndex = -1;
  // The backward walk visits every value, from the output back to the first input (the
  // reverse of the topological order). It opens the scopes it enters and folds again
  // those it opened when it leaves them; scopes the learner opened stay open.
  var walkOpened = new Set(), searchText = null;
  function defaultOpen() {
    for (var t = 0; t < S; t++) {
      // The inputs' group (level 0, no parent) opens only when everything is open, as
      // do the parameters shared by sample scopes.
      var group = scopes[t].order < 0 || scopes[t].shared;
      open[t] = group ? (data.depth >= data.height ? 1 : 0) : (scopes[t].level < data.depth ? 1 : 0);
    }
    data.expand.forEach(function (path) {
      for (var p = byPath.get(path); p >= 0; p = scopes[p].parent) open[p] = 1;
    });
  }
  defaultOpen();

  // --- page skeleton ----------------------------------------------------------------
  var fallback = host.querySelector(".cr-fallback");
  if (fallback) fallback.style.display = "none";
  var app = document.createElement("div");
  app.style.display = "contents";
  app.innerHTML =
    '<div class="cr-bar">' +
    '<button data-act="expand-all">expand all' + end("button") +
    '<button data-act="collapse-all">collapse all' + end("button") +
    '<button data-act="reset">default view' + end("button") +
    '<button data-act="fit">fit' + end("button") +
    '<input type="search" placeholder="search: label, scope/op" aria-label="search values by label, or by scope and op">' +
    '<button data-act="back">&#9664; step' + end("button") +
    '<button data-act="next">step &#9654;' + end("button") +
    '<button data-act="clear">clear focus' + end("button") +
    '<span class="cr-status">' + end("span") + end("div") +
    '<div class="cr-main"><div class="cr-canvas">' +
    '<div class="cr-hint">scroll to zoom, drag to pan' + end("div") +
    '<svg xmlns="' + SVGNS + '">' +
    '<defs><marker id="' + ident + '-arrow" viewBox="0 0 10 10" refX="10" refY="5" ' +
    'markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
    '<path d="M0,0L10,5L0,10z" fill="#868e96"/>' + end("marker") + end("defs") +
    '<g class="cr-view">' + end("g") + end("svg") + end("div") +
    '<div class="cr-panel">' + end("div") + end("div");
  host.appendChild(app);
  var svg = host.querySelector(".cr-canvas svg");
  var view = host.querySelector(".cr-view");
  var panel = host.querySelector(".cr-panel");
  var status = host.querySelector(".cr-status");
  var search = host.querySelector("input");

  // --- layout -----------------------------------------------------------------------
  var unitOf = new Int32Array(N);  // value i -> i, or N + s for the folded scope s
  var shown = [];  // units in display order
  var pos = {};  // unit -> {x, y, h}
  var frames = [];  // open scopes: {s, x, y, w, h}
  var edges = [];  // {t, h, n}
  var colX = [], colW = [];  // each column's left edge and width
  var currentUnits = [], currentRank = new Int32Array(0);  // what layout() found, for place()
  var waypoints = [];  // {c: scope, col, prev}: where long edges cross a column
  var FIRST_WAYPOINT = N + S;  // waypoint k is unit FIRST_WAYPOINT + k, never drawn
  var LANE = 2, LANE_GAP = 5;  // a lane's height and the room under it

  function layout() {
    var u, t, i, k;
    for (i = 0; i < N; i++) {
      u = i;
      var ch = chains[i];
      for (k = 0; k < ch.length; k++) if (!open[ch[k]]) { u = N + ch[k]; break; }
      unitOf[i] = u;
    }
    // Bundled edges between units, in first-seen order. Per-unit tables are typed arrays
    // indexed by unit (a value's index, or N + a scope's): the layout stays linear.
    var U = N + S, edgeIndex = new Map(), units = [], seen = new Uint8Array(U);
    edges = [];
    for (i = 0; i < N; i++) {
      u = unitOf[i];
      if (!seen[u]) { seen[u] = 1; units.push(u); }
    }
    var indegree = new Int32Array(U), outdegree = new Int32Array(U);
    for (i = 0; i < N; i++) {
      var head = unitOf[i], ps = values[i].parents;
      for (k = 0; k < ps.length; k++) {
        var tail = unitOf[ps[k]];
        if (tail === head) continue;
        var key = tail * 4194304 + head;
        var e = edgeIndex.get(key);
        if (e === undefined) {
          edgeIndex.set(key, edges.length);
          edges.push({ t: tail, h: head, n: 1, k: edges.length });
          indegree[head]++; outdegree[tail]++;
        } else {
          edges[e].n += 1;
        }
      }
    }
    // Successors and predecessors of each unit, packed (CSR): first[u] .. first[u + 1].
    function packed(degree, from, to) {
      var first = new Int32Array(U + 1), fill = new Int32Array(U), list = new Int32Array(edges.length);
      for (var v = 0; v < U; v++) first[v + 1] = first[v] + degree[v];
      edges.forEach(function (e) { list[first[e[from]] + fill[e[from]]++] = e[to]; });
      return { first: first, list: list };
    }
    var succ = packed(outdegree, "t", "h"), pred = packed(indegree, "h", "t");
    function each(adjacency, v, f) {
      for (var j = adjacency.first[v]; j < adjacency.first[v + 1]; j++) f(adjacency.list[j]);
    }
    // Columns: longest path from the inputs (Kahn's order; a cycle made by folding a
    // scope that is not convex is broken at the unit seen first).
    // A unit fed by a leaf (a weight) keeps a column free before it for that leaf, so a
    // neuron's weights never share a column with the previous layer.
    function isLeaf(v) { return v < N && values[v].parents.length === 0; }
    var leafFed = new Uint8Array(U);
    edges.forEach(function (e) { if (isLeaf(e.t)) leafFed[e.h] = 1; });
    var rank = new Int32Array(U), queue = [], done = 0, next = 0, placed = new Uint8Array(U);
    units.forEach(function (v) { if (indegree[v] === 0) queue.push(v); });
    for (;;) {
      while (queue.length) {
        var v = queue.pop();
        if (placed[v]) continue;
        placed[v] = 1; done++;
        var leafV = isLeaf(v);
        each(succ, v, function (w) {
          var step = leafFed[w] && !leafV ? 2 : 1;
          if (rank[v] + step > rank[w]) rank[w] = rank[v] + step;
          if (--indegree[w] === 0) queue.push(w);
        });
      }
      if (done >= units.length) break;
      while (placed[units[next]]) next++;  // units before next are all placed
      queue.push(units[next]);
    }
    // Leaves (weights, inputs) sit just before their first use, not all in column 0.
    units.forEach(function (v) {
      if (isLeaf(v) && outdegree[v]) {
        var least = Infinity;
        each(succ, v, function (w) { least = Math.min(least, rank[w]); });
        rank[v] = least - 1;
      }
    });
    var low = Infinity;
    units.forEach(function (v) { low = Math.min(low, rank[v]); });
    units.forEach(function (v) { rank[v] -= low; });
    var widths = [];
    units.forEach(function (v) {
      var c = rank[v];
      while (widths.length <= c) widths.push(0);
      widths[c] = Math.max(widths[c], v >= N ? BOX_W : VALUE_W);
    });
    colX = [];
    colW = widths;
    var x = MARGIN;
    widths.forEach(function (w) { colX.push(x); x += (w || 20) + COLUMN_GAP; });

    // Blocks: the items of each open scope (and of the top), packed on a skyline. Then
    // three more passes, each ordering a column's single values by the mean height of
    // their operands (or their users) in the pass before: most edge crossings go.
    // Waypoints: an edge that spans columns passes each column between its ends at a
    // waypoint, a thin item packed like a box, so no box is ever drawn on an edge that is
    // not its own (the dot -> + edge once ran behind the bias). Edges from one tail share
    // their waypoints (one lane per tail and column): their number stays linear in the
    // edges' lengths even where one value feeds every later column.
    var container = new Int32Array(U), spanLo = new Int32Array(S).fill(2147483647);
    var spanHi = new Int32Array(S).fill(-1);
    units.forEach(function (v) {
      var c = containerOf(v), r = rank[v];
      container[v] = c;
      for (; c >= 0; c = scopes[c].parent) {
        if (r < spanLo[c]) spanLo[c] = r;
        if (r > spanHi[c]) spanHi[c] = r;
      }
    });
    function holds(c, col) { return c < 0 || (spanLo[c] <= col && col <= spanHi[c]); }
    function level(c) { return c < 0 ? -1 : scopes[c].level; }
    // The deepest open scope around tail or head that spans the column holds the
    // waypoint: the edge stays inside the frames it starts or ends in where it can.
    function laneScope(t, h, col, nearTail) {
      var best = -1;
      for (var side = 0; side < 2; side++) {
        var preferred = side === 0 ? nearTail : !nearTail;
        for (var c = container[side === 0 ? t : h]; c >= 0; c = scopes[c].parent) {
          if (holds(c, col) && (level(c) > level(best) || (level(c) === level(best) && preferred))) {
            best = c;
          }
        }
      }
      return best;
    }
    waypoints = [];
    var lanes = new Map();  // tail -> (column, scope) -> its waypoint there
    edges.forEach(function (e) {
      var a = rank[e.t], b = rank[e.h], previous = e.t;
      e.via = [];
      if (b - a > 1 && !lanes.has(e.t)) lanes.set(e.t, new Map());
      for (var col = a + 1; col < b; col++) {
        var c = laneScope(e.t, e.h, col, col - a <= b - col);
        var key = col * (S + 1) + c + 1, w = lanes.get(e.t).get(key);
        if (w === undefined) {
          w = FIRST_WAYPOINT + waypoints.length;
          lanes.get(e.t).set(key, w);
          waypoints.push({ c: c, col: col, prev: previous });
        }
        e.via.push(w);
        previous = w;
      }
    });
    currentUnits = units; currentRank = rank;
    place(null);
    // Three sweeps; one on a big graph and none on a huge one, where each costs seconds.
    var sweeps = units.length + waypoints.length > 50000 ? 0 : units.length > 20000 ? 1 : 3;
    for (var sweep = 0; sweep < sweeps; sweep++) {
      var bary = new Map();
      units.forEach(function (v) {
        if (v >= N) return;
        var around = pred.first[v + 1] > pred.first[v] ? pred : succ, sum = 0, count = 0;
        each(around, v, function (w) { sum += pos[w].y + pos[w].h / 2; count++; });
        bary.set(v, count ? sum / count : pos[v].y);
      });
      waypoints.forEach(function (w, k) {  // a lane follows the item before it
        bary.set(FIRST_WAYPOINT + k, pos[w.prev].y + pos[w.prev].h / 2);
      });
      place(bary);
    }
    // Ports: the edges entering a box end at points spread down its left side, in the
    // order of where they come from (and leave its right side so), so edges that share
    // an end, and their counts, stay apart.
    function spread(end, side, other) {
      var groups = new Map();
      edges.forEach(function (e) {
        if (!groups.has(e[end])) groups.set(e[end], []);
        groups.get(e[end]).push(e);
      });
      groups.forEach(function (list, u) {
        var p = pos[u];
        list.forEach(function (e) { var q = other(e); e.sortY = q.y + q.h / 2; });
        list.sort(function (a, b) { return a.sortY - b.sortY || a.k - b.k; });
        list.forEach(function (e, j) { e[side] = p.y + p.h * (j + 1) / (list.length + 1); });
      });
    }
    spread("h", "y2", function (e) { return pos[e.via.length ? e.via[e.via.length - 1] : e.t]; });
    spread("t", "y1", function (e) { return pos[e.via.length ? e.via[0] : e.h]; });
    // The boxes holding each piece of an edge (a curve, or a lane across a column), to
    // draw only the edges that pass through the view: a long edge's overall box would
    // meet every view it spans.
    edges.forEach(function (e) {
      var a = pos[e.t], x = a.x + a.w, y = e.y1, boxes = [];
      e.via.concat([e.h]).forEach(function (w, j) {
        var p = pos[w], end = j === e.via.length ? e.y2 : p.y + p.h / 2;
        boxes.push(Math.min(x, p.x) - 40, Math.min(y, end), Math.max(x, p.x) + 40, Math.max(y, end));
        if (j < e.via.length) boxes.push(p.x, end, p.x + p.w, end);
        x = p.x + p.w; y = end;
      });
      e.boxes = boxes;
    });
    stale = true;
  }
  function place(bary) {
    var t, units = currentUnits, rank = currentRank;
    var items = new Map();  // container (-1 = top, else scope) -> [item]
    function itemsOf(c) { if (!items.has(c)) items.set(c, []); return items.get(c); }
    var valueItems = new Map();  // container -> its single values
    units.forEach(function (v) {
      var c = containerOf(v);
      var item = { unit: v, c0: rank[v], c1: rank[v], h: unitHeight(v), gap: GAP };
      if (v >= N) itemsOf(c).push(item);
      else { if (!valueItems.has(c)) valueItems.set(c, []); valueItems.get(c).push(item); }
    });
    waypoints.forEach(function (w, k) {  // packed with the single values of their scope
      if (!valueItems.has(w.c)) valueItems.set(w.c, []);
      valueItems.get(w.c).push({ unit: FIRST_WAYPOINT + k, c0: w.col, c1: w.col,
        h: LANE, gap: LANE_GAP });
    });
    // Open scopes, deepest first, so a block's size is known before its parent packs it.
    var openList = [];
    for (t = 0; t < S; t++) if (open[t] && isShown(t)) openList.push(t);
    openList.sort(function (a, b) { return scopes[b].level - scopes[a].level; });
    var blocks = new Map();
    var nestDepth = new Map();
    function orderKey(item) {
      if (item.unit >= N && item.unit < FIRST_WAYPOINT) return scopes[item.unit - N].order;
      if (item.block !== undefined) return scopes[item.block].order;
      // Single values after the scopes: in topological order, then by barycentre.
      return 1e9 + (bary ? bary.get(item.unit) : item.unit);
    }
    function pack(c) {
      var list = itemsOf(c).concat(valueItems.get(c) || []);
      list.forEach(function (item) { item.key = orderKey(item); });  // once, not per comparison
      list.sort(function (a, b) { return a.key - b.key; });
      var top = new Map(), c0 = Infinity, c1 = -Infinity, height = 0, depthBelow = 0;
      list.forEach(function (item) {
        var y = 0, col;
        for (col = item.c0; col <= item.c1; col++) y = Math.max(y, top.get(col) || 0);
        item.y = y;
        for (col = item.c0; col <= item.c1; col++) top.set(col, y + item.h + (item.gap || GAP));
        c0 = Math.min(c0, item.c0); c1 = Math.max(c1, item.c1);
        height = Math.max(height, y + item.h);
        if (item.block !== undefined) depthBelow = Math.max(depthBelow, nestDepth.get(item.block) + 1);
      });
      centre(list, height);
      return { list: list, c0: c0, c1: c1, height: height, depthBelow: depthBelow };
    }
    openList.forEach(function (t) {
      var b = pack(t);
      nestDepth.set(t, b.depthBelow);
      var pad = padOf(b.depthBelow);
      b.pad = pad;
      blocks.set(t, b);
      itemsOf(scopes[t].parent).push({ block: t, c0: b.c0, c1: b.c1, h: b.height + HEADER + 2 * pad });
    });
    var topBlock = pack(-1);
    // Absolute positions, outermost first.
    pos = {}; frames = []; shown = [];
    var stack = [[topBlock, MARGIN]];
    while (stack.length) {
      var entry = stack.pop(), block = entry[0], y0 = entry[1];
      block.list.forEach(function (item) {
        if (item.block !== undefined) {
          var inner = blocks.get(item.block);
          var x = colX[inner.c0] - inner.pad;
          frames.push({ s: item.block, x: x, y: y0 + item.y,
            w: colX[inner.c1] + colW[inner.c1] - colX[inner.c0] + 2 * inner.pad, h: item.h });
          stack.push([inner, y0 + item.y + HEADER + inner.pad]);
        } else {
          pos[item.unit] = { x: colX[item.c0], y: y0 + item.y, w: colW[item.c0], h: item.h };
          if (item.unit < FIRST_WAYPOINT) shown.push(item.unit);
        }
      });
    }
    shown.sort(function (a, b) { return pos[a].x - pos[b].x || pos[a].y - pos[b].y; });
    frames.sort(function (a, b) { return scopes[a.s].level - scopes[b.s].level; });
  }
  // Centre each run of columns (joined by the blocks spanning them) on the block's middle:
  // every item of a run moves by the same amount, so nothing comes to overlap.
  function centre(list, height) {
    var runs = list.map(function (item) { return [item.c0, item.c1, 0]; })
      .sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    runs.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1], 0]);
    });
    function runOf(item) {  // the run holding column item.c0: runs are sorted and disjoint
      var lo = 0, hi = merged.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (merged[mid][0] <= item.c0) lo = mid; else hi = mid - 1;
      }
      return merged[lo];
    }
    list.forEach(function (item) { var r = runOf(item); r[2] = Math.max(r[2], item.y + item.h); });
    list.forEach(function (item) { item.y += Math.floor((height - runOf(item)[2]) / 2); });
  }
  function containerOf(v) {  // the open scope a shown unit is drawn in (-1: none)
    if (v >= N) return scopes[v - N].parent;
    var ch = chains[v];
    return ch.length ? ch[ch.length - 1] : -1;
  }
  function padOf(depthBelow) { return 8 + 8 * depthBelow; }
  function isShown(t) {  // an open scope whose enclosing scopes are all open
    for (var p = scopes[t].parent; p >= 0; p = scopes[p].parent) if (!open[p]) return false;
    return true;
  }
  function valueLines(i) {
    var v = values[i], first = v.label || ("n" + i);
    if (v.op) first += v.label ? " = " + v.op : "";
    var lines = [first];
    if (!v.label && v.op) lines[0] = v.op;
    // A constant (a number an op turned into a leaf) has no gradient anybody asked for.
    if (v.kind === "constant") return ["constant", String(v.data)];
    if (v.kind === "cut") return [data.cut.hidden.toLocaleString("en-US") + " earlier", "values not shown", "(cut by max_values)"];
    lines.push("data " + v.data, "grad " + v.grad);
    return lines;
  }
  function unitHeight(u) {
    var count = u >= N ? scopes[u - N].lines.length : 3;
    return count * ROW + 10;
  }

  // --- drawing ----------------------------------------------------------------------
  // Values are "n<i>" and folded boxes their scope's path in what the API returns; on the
  // page each element carries its unit number (data-unit) and its frame its scope number
  // (data-scope), so no scope name, however spelled, is mistaken for a value or a key.
  function unitId(u) { return u >= N ? scopes[u - N].path : "n" + u; }
  // A big graph draws only what is near the view (and again as the view moves): the
  // browser then holds a few thousand elements, not one per value. Far out, where more
  // than MOST_DRAWN boxes would be in view, each column's boxes are drawn as one grey band.
  var DRAW_ALL = 5000, MOST_DRAWN = 3000;
  var stale = true, drawn = null, farOut = false;  // drawn: the region (graph coordinates) last drawn
  // What is drawn is placed relative to the drawn region's corner (ox, oy), and the view's
  // transform adds it back: a long graph is tens of millions of px wide, past what the
  // browser's layout can place (about 33.5 million px), so coordinates must stay small.
  var ox = 0, oy = 0;
  function viewRegion(margin) {
    var box = svg.getBoundingClientRect(), w = (box.width || 800) / zoom.k, h = (box.height || 600) / zoom.k;
    var x = -zoom.x / zoom.k, y = -zoom.y / zoom.k;
    return [x - margin * w, y - margin * h, x + (1 + margin) * w, y + (1 + margin) * h];
  }
  function meets(r, x0, y0, x1, y1) { return x1 >= r[0] && x0 <= r[2] && y1 >= r[1] && y0 <= r[3]; }
  function ensureDrawn() {  // true if it drew
    if (!stale && (drawn === null || (function (v, d) {
      return v[0] >= d[0] && v[1] >= d[1] && v[2] <= d[2] && v[3] <= d[3];
    })(viewRegion(0), drawn))) return false;
    render();
    return true;
  }
  function render() {
    var renderStart = performance.now();
    var out = [], region = null, units = shown, lines = edges, bands = null;
    if (shown.length > DRAW_ALL) {
      region = viewRegion(0.5);
      units = shown.filter(function (u) {
        var p = pos[u];
        return meets(region, p.x, p.y, p.x + p.w, p.y + p.h);
      });
      lines = edges.filter(function (e) {
        for (var j = 0; j < e.boxes.length; j += 4) {
          if (meets(region, e.boxes[j], e.boxes[j + 1], e.boxes[j + 2], e.boxes[j + 3])) return true;
        }
        return false;
      });
      if (units.length > MOST_DRAWN) {
        bands = new Map();
        units.forEach(function (u) {
          var p = pos[u], b = bands.get(p.x);
          if (!b) bands.set(p.x, [p.x, p.y, p.w, p.y + p.h]);
          else { b[1] = Math.min(b[1], p.y); b[3] = Math.max(b[3], p.y + p.h); }
        });
        units = []; lines = [];
      }
    }
    drawn = region; stale = false; farOut = bands !== null;
    ox = region ? Math.floor(region[0]) : 0; oy = region ? Math.floor(region[1]) : 0;
    frames.forEach(function (f) {
      if (region && !meets(region, f.x, f.y, f.x + f.w, f.y + f.h)) return;
      var sc = scopes[f.s];
      out.push('<g class="cr-frame' + (sc.level % 2 ? " cr-odd" : "") + '" data-scope="' + f.s +
        '" data-path="' + esc(sc.path) + '"><title>' + esc(sc.path) + ": click the frame to fold it" + end("title") +
        '<rect rx="6" x="' + (f.x - ox) + '" y="' + (f.y - oy) + '" width="' + f.w + '" height="' + f.h + '"/>' +
        '<text x="' + (f.x - ox + 6) + '" y="' + (f.y - oy + 12) + '">' + esc(frameTitle(sc.name, f.w)) +
        end("text") + end("g"));
    });
    if (bands) bands.forEach(function (b) {
      out.push('<rect class="cr-band" x="' + (b[0] - ox) + '" y="' + (b[1] - oy) + '" width="' + b[2] +
        '" height="' + (b[3] - b[1]) + '"/>');
    });
    lines.forEach(function (e) {
      var n = e.k, a = pos[e.t], b = pos[e.h];
      var x1 = a.x + a.w - ox, y1 = e.y1 - oy, x2 = b.x - ox, y2 = e.y2 - oy;
      // Through the gaps between columns as curves (no box is ever in a gap), across each
      // column it spans along its lane.
      var d = "M" + x1 + "," + y1;
      function curve(xa, ya, xb, yb) {
        var dx = xb > xa ? (xb - xa) / 2 : Math.max(30, Math.abs(xb - xa) / 2);
        return "C" + (xa + dx) + "," + ya + " " + (xb - dx) + "," + yb + " " + xb + "," + yb;
      }
      e.via.forEach(function (w) {
        var p = pos[w], y = p.y + p.h / 2 - oy;
        d += curve(x1, y1, p.x - ox, y) + "L" + (p.x + p.w - ox) + "," + y;
        x1 = p.x + p.w - ox; y1 = y;
      });
      d += curve(x1, y1, x2, y2);
      out.push('<path class="cr-edge' + (CUT && e.t === 0 ? " cr-cut-edge" : "") + '" data-edge="' + n + '" data-tail="' + e.t + '" data-head="' +
        e.h + '" marker-end="url(#' + ident + '-arrow)" d="' + d + '"/>');
      if (e.n > 1) {  // the count, on the middle of the edge's last curve: in a gap
        out.push('<text class="cr-count" text-anchor="middle" x="' + (x1 + x2) / 2 + '" y="' +
          ((y1 + y2) / 2 + 4) + '">\u00d7' + e.n + end("text"));
      }
    });
    units.forEach(function (u) {
      // No <title> per node: hovering shows the details in the panel, and thousands of
      // extra elements would slow the page down.
      var p = pos[u], lines, cls;
      if (u >= N) {
        lines = scopes[u - N].lines;
        cls = "cr-node cr-box" + (chains[ROOT].indexOf(u - N) >= 0 ? " cr-output" : "");
      } else {
        lines = valueLines(u);
        cls = "cr-node cr-" + values[u].kind;
      }
      var text = lines.map(function (line, n) {
        return '<text x="' + (p.w / 2) + '" y="' + (15 + n * ROW) + '" text-anchor="middle"' +
          (n === 0 && u >= N ? ' class="cr-name"' : "") + ">" + esc(fit(line, p.w, n === 0 && u >= N)) +
          end("text");
      }).join("");
      out.push('<g class="' + cls + '" data-unit="' + u + '" ' + (u >= N ? "data-path" : "data-id") +
        '="' + esc(unitId(u)) + '" transform="translate(' +
        (p.x - ox) + "," + (p.y - oy) + ')"><rect rx="' +
        (u >= N ? 2 : 8) + '" width="' + p.w + '" height="' + p.h + '"/>' + text + end("g"));
    });
    var built = performance.now();
    view.innerHTML = out.join("");
    placeView();
    var parsed = performance.now();
    decorate();
    timings.build = built - renderStart; timings.parse = parsed - built;
    timings.decorate = performance.now() - parsed;
  }
  // An open scope's name and the hint, as much as fits its frame (the hint goes first: the
  // frame's tooltip says it too). The text starts 6 px in: 4 px spare on the right.
  function frameTitle(name, width) {
    var whole = name + "  (click to fold)";
    return inkWidth(whole) <= width - 10 ? whole : fit(name, width - 2);
  }
  // A line cut to fit ``width`` px (4 px spare each side), ending in "\u2026" when cut. Its
  // ink is measured in the font the page draws it with: a count of characters cannot
  // know that "W", an ideograph or an emoji is two or three times as wide as "i".
  var pen = document.createElement("canvas").getContext("2d");
  var FONT = "11px " + getComputedStyle(host).fontFamily;
  function inkWidth(text, bold) {
    if (!pen) return Array.from(text).length * 11;  // no canvas: assume the widest letters
    pen.font = (bold ? "bold " : "") + FONT;
    return pen.measureText(text).width;
  }
  function fit(line, width, bold) {
    var room = width - 8;
    if (inkWidth(line, bold) <= room) return line;
    // By code point, not UTF-16 unit: a cut never splits an emoji into half a surrogate
    // pair. The longest start that fits with its ellipsis, by bisection.
    var chars = Array.from(line), lo = 0, hi = chars.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (inkWidth(chars.slice(0, mid).join("") + "\u2026", bold) <= room) lo = mid;
      else hi = mid - 1;
    }
    return chars.slice(0, lo).join("") + "\u2026";
  }

  // Classes that mark the selection, search matches, focus and the backward step.
  function decorate() {
    var nodes = view.querySelectorAll(".cr-node");
    var lit = focus ? unitsOf(focus) : null;
    var current = stepIndex >= 0 ? unitOf[N - 1 - stepIndex] : -1;
    var updated = new Set();
    if (current >= 0) values[N - 1 - stepIndex].parents.forEach(function (p) { updated.add(unitOf[p]); });
    var matchUnits = matches ? unitsOf(matches) : null;
    for (var n = 0; n < nodes.length; n++) {
      var node = nodes[n], u = unitOfElement(node);
      node.classList.toggle("cr-selected", selected >= 0 && unitOf[selected] === u);
      node.classList.toggle("cr-match", !!(matchUnits && matchUnits.has(u)));
      node.classList.toggle("cr-dim", !!(lit && !lit.has(u)));
      node.classList.toggle("cr-lit", !!(lit && lit.has(u)));
      node.classList.toggle("cr-current", u === current);
      node.classList.toggle("cr-updated", updated.has(u) && u !== current);
    }
    var paths = view.querySelectorAll(".cr-edge");
    for (n = 0; n < paths.length; n++) {
      var e = edges[+paths[n].getAttribute("data-edge")];
      paths[n].classList.toggle("cr-dim", !!(lit && !(lit.has(e.t) && lit.has(e.h))));
    }
    var boxes = shown.filter(function (u) { return u >= N; }).length;
    status.textContent = (CUT ? data.cut.note + "; " : "") +
      boxes + " boxes, " + (shown.length - boxes - CUT) + " values shown of " + (N - CUT) +
      (matches ? "; " + matches.size + " match" + (matches.size === 1 ? "" : "es") : "") +
      (stepIndex >= 0 ? "; backward step " + (stepIndex + 1) + "/" + N : "") +
      (farOut ? "; zoom in to see the values" : "");
    // The walk's ends, visibly: nothing before the first step, nothing after the last.
    app.querySelector('[data-act="back"]').disabled = stepIndex <= 0;
    app.querySelector('[data-act="next"]').disabled = !N || stepIndex >= N - 1;
  }
  function unitsOf(set) {
    var found = new Set();
    set.forEach(function (i) { found.add(unitOf[i]); });
    return found;
  }
  function unitOfElement(element) { return +element.getAttribute("data-unit"); }

  // --- the details panel: a value and the chain rule on each of its edges ----------
  function name(i) { return names[i]; }
  function scopePath(i) { return values[i].scope >= 0 ? scopes[values[i].scope].path : ""; }
  // Where a value named in a list lives, when not in the scope of the value shown: the
  // panel names values as a learner reads them, never by internal id.
  function where(i, here) {
    var path = scopePath(i), folded = unitOf[i] >= N ? ", folded" : "";
    return path && path !== here ? " (in " + path + folded + ")" : "";
  }
  function showValue(i) {
    var v = values[i], sc = scopePath(i);
    if (v.kind === "cut") {
      panel.innerHTML = "<h3>" + esc(v.label) + end("h3") + "<p>" +
        (stepIndex >= 0 && N - 1 - stepIndex === i ? "Backward step " + (stepIndex + 1) + " of " +
          N + ": the walk goes on through these values, not shown here. " : "") +
        esc(data.cut.note) + ". Each dashed edge from this box is a real edge from one of " +
        "them; the grads shown are the real ones (backward ran on the whole graph)." +
        end("p") + legend();
      return;
    }
    // The learner's words only: the drawing id ("n42") is for scripts (chainrule.select).
    var rows = [["label", v.label || "(none)"], ["data", v.dataFull],
      ["grad", v.gradFull], ["op", v.opName ? v.op + " (" + v.opName + ")" : "(a leaf)"],
      ["kind", v.kind === "value" ? "computed" : v.kind], ["scope", sc || "(none)"]];  // the legend's word
    var html = "";
    if (stepIndex >= 0 && N - 1 - stepIndex === i) {
      html += '<p class="cr-step">Backward step ' + (stepIndex + 1) + " of " + N + ": " +
        (i === ROOT ? "the output starts with grad 1."
          : "every use of this value has passed its gradient back, so its grad " +
            esc(v.grad) + " is complete.") +
        (v.parents.length ? " Now the chain rule passes it to its operands." : " A leaf: the walk ends here for it.") +
        end("p");
    }
    html += "<h3>" + esc(name(i)) + end("h3") + "<table>" + rows.map(function (r) {
      return "<tr><td>" + r[0] + end("td") + "<td>" + esc(r[1]) + end("td") + end("tr");
    }).join("") + end("table");
    if (v.parents.length) {
      html += "<b>into its operands" + end("b") + " (local partial \u00b7 upstream grad " +
        "\u2192 contribution):<ul>" + v.parents.map(function (p, k) {
          return '<li class="cr-chain">' + esc(name(p) + where(p, sc)) + ": " + esc(v.chain[k]) +
            end("li");
        }).join("") + end("ul");
    }
    var got = consumers[i];
    if (got.length) {
      html += "<b>its grad " + esc(v.grad) + " adds up" + end("b") + ":<ul>" +
        got.map(function (pair) {
          return '<li class="cr-received">from ' + esc(name(pair[0]) + where(pair[0], sc)) + ": " +
            esc(values[pair[0]].chain[pair[1]]) + end("li");
        }).join("") + end("ul");
    }
    html += '<button data-act="focus">focus on ' + esc(name(i)) + end("button");
    panel.innerHTML = html + legend();
  }
  function showBox(t) {
    var sc = scopes[t];
    panel.innerHTML = "<h3>" + esc(sc.path) + end("h3") + "<p>" + sc.lines.map(esc).join("<br>") +
      end("p") + "<p>" + (open[t] && isShown(t) ? "Open: click its frame to fold it."
        : "Click the box to open it; click an open scope's frame to fold it.") + end("p") +
      legend();
  }
  function showHelp() {
    panel.innerHTML = "<h3>chainrule explorer" + end("h3") +
      "<p>Click a box to open it, an open scope's frame to fold it. Drag to pan, " +
      "scroll to zoom. Click a value for its chain rule; step &#9664; &#9654; walks " +
      "backward through every value, from the output to the inputs, opening the boxes " +
      "it enters. Search finds values by label, op or scope (Enter opens the first)." + end("p") + legend();
  }
  function legend() {
    // Each key with its words is one unbreakable entry: a wrap never parts them.
    function key(look, words) {
      return '<i class="cr-entry"><span ' + look + ">" + end("span") + words + end("i");
    }
    return '<p class="cr-legend">' +
      key('style="background:#cfe2ff"', "input") +
      key('style="background:#ffd8a8"', "parameter") +
      key('style="background:#b7e4c7"', "output") +
      key('style="background:#fff"', "computed") +
      (hasConstant ? key('class="cr-key-constant"', "constant") : "") +
      (CUT ? key('class="cr-key-cut"', "values not shown (cut)") : "") +
      key('style="background:#e9ecef"', "folded scope") +
      key('style="border:2px solid #d6336c"', "step's node") +
      key('style="border:2px solid #f08c00"', "its operands / search match") +
      key('style="border:2px solid #1c7ed6"', "selected") +
      key('class="cr-key-focus"', "focus (its gradient's path)") + end("p") +
      "<p>Edge: \u2202=local partial \u00b7 g=upstream gradient \u2192 contribution." + end("p");
  }

  // --- pan and zoom -----------------------------------------------------------------
  var zoom = { k: 1, x: 0, y: 0 }, sized = false;
  function placeView() {  // the zoom, plus the drawn elements' origin (see ox, oy)
    view.setAttribute("transform", "translate(" + (zoom.x + ox * zoom.k) + "," +
      (zoom.y + oy * zoom.k) + ") scale(" + zoom.k + ")");
  }
  function applyZoom() {
    placeView();
    // Too small to read: no text, which spares the browser laying out thousands of lines.
    view.classList.toggle("cr-far", zoom.k < 0.25);
    ensureDrawn();
  }
  function extent() {
    var width = 0, height = 0;
    shown.forEach(function (u) {
      width = Math.max(width, pos[u].x + pos[u].w); height = Math.max(height, pos[u].y + pos[u].h);
    });
    frames.forEach(function (f) {
      width = Math.max(width, f.x + f.w); height = Math.max(height, f.y + f.h);
    });
    return { width: width + MARGIN, height: height + MARGIN };
  }
  // The whole graph, however small that makes it (the "fit" button).
  function fitView() {
    var size = extent(), box = svg.getBoundingClientRect();
    var k = Math.min(1, (box.width || 800) / size.width, (box.height || 600) / size.height);
    zoom = { k: k, x: 0, y: 0 };
    applyZoom();
  }
  // The starting view: readable (scale 1, every label its full size), with the output at
  // the right and the values next to it; the whole graph, centred, where it fits.
  function startView() {
    var size = extent();
    // A notebook's explorer is no taller than the graph needs (the page fills the window).
    if (!sized && !host.classList.contains("cr-page")) {
      sized = true;
      var bar = host.querySelector(".cr-bar").offsetHeight;
      var wanted = Math.max(320, size.height + bar + 12);
      if (wanted < host.offsetHeight) host.style.height = wanted + "px";
    }
    var box = svg.getBoundingClientRect(), w = box.width || 800, h = box.height || 600;
    var out = pos[unitOf[ROOT]], asked = askedFrame();
    if (asked && (size.width > w || size.height > h)) {
      // The scope expand= named, where the learner asked to look: centred, or its title
      // at the top left when it is bigger than the view.
      zoom = { k: 1, x: Math.floor(asked.w <= w ? (w - asked.w) / 2 - asked.x : GAP - asked.x),
        y: Math.floor(asked.h <= h ? (h - asked.h) / 2 - asked.y : GAP - asked.y) };
    } else {
      // What is drawn, without the margins around it: a graph that fits the view only
      // once they shrink still fits (a 692 px graph in a 707 px canvas lost its inputs).
      var left = Infinity, top = Infinity;
      shown.forEach(function (u) { left = Math.min(left, pos[u].x); top = Math.min(top, pos[u].y); });
      frames.forEach(function (f) { left = Math.min(left, f.x); top = Math.min(top, f.y); });
      var inner = { w: size.width - MARGIN - left, h: size.height - MARGIN - top };
      zoom = { k: 1,
        x: inner.w <= w ? Math.floor((w - inner.w) / 2 - left) : w - (out.x + out.w + MARGIN),
        y: inner.h <= h ? Math.floor((h - inner.h) / 2 - top)
          : Math.min(0, Math.max(h - size.height, h / 2 - (out.y + out.h / 2))) };
    }
    applyZoom();
  }
  function askedFrame() {  // the open frame of the first scope expand= named, if shown
    var t = data.expand.length ? byPath.get(data.expand[0]) : undefined;
    return frames.filter(function (f) { return f.s === t; })[0] || null;
  }
  function centerOn(u, scale) {
    var p = pos[u], box = svg.getBoundingClientRect();
    if (!p) return;
    zoom.k = scale > 0 ? Math.min(4, scale) : Math.max(zoom.k, 0.8);
    zoom.x = (box.width || 800) / 2 - (p.x + p.w / 2) * zoom.k;
    zoom.y = (box.height || 600) / 2 - (p.y + p.h / 2) * zoom.k;
    applyZoom();
  }
  var drag = null;
  svg.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, zx: zoom.x, zy: zoom.y, moved: false };
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    if (drag.moved) { zoom.x = drag.zx + dx; zoom.y = drag.zy + dy; applyZoom(); }
  });
  svg.addEventListener("pointerup", function () { setTimeout(function () { drag = null; }, 0); });
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    var box = svg.getBoundingClientRect();
    var mx = event.clientX - box.left, my = event.clientY - box.top;
    var factor = Math.exp(-event.deltaY * 0.0015);
    var k = Math.min(4, Math.max(0.05, zoom.k * factor));
    zoom.x = mx - (mx - zoom.x) * (k / zoom.k);
    zoom.y = my - (my - zoom.y) * (k / zoom.k);
    zoom.k = k;
    applyZoom();
  }, { passive: false });

  // --- actions ----------------------------------------------------------------------
  var timings = {};  // milliseconds of the last refresh, for anyone measuring the page
  function refresh(keepView) {
    var start = performance.now();
    layout();
    var laid = performance.now();
    // Place the view before drawing: the zoom decides whether text is drawn (see applyZoom).
    if (!keepView) startView(); else applyZoom();
    timings.layout = laid - start; timings.render = performance.now() - laid;
  }
  function around() {  // centre the selection (else the output) at a readable zoom
    if (selected >= 0) { centerOn(unitOf[selected], Math.max(1, zoom.k)); showValue(selected); }
    else startView();
  }
  function reveal(i) {  // open every scope holding value i
    chains[i].forEach(function (t) { open[t] = 1; });
  }
  function checkPath(path, what) {
    var t = byPath.get(path);
    if (t === undefined) throw new Error("chainrule." + what + ": no scope " + JSON.stringify(path));
    return t;
  }
  function valueIndex(id, what) {
    if (typeof id === "number" && id >= 0 && id < N) return id;
    if (typeof id === "string" && /^n\d+$/.test(id) && +id.slice(1) < N) return +id.slice(1);
    for (var j = 0; j < N; j++) if (values[j].label === id) return j;
    throw new Error("chainrule." + what + ": no value " + JSON.stringify(id));
  }
  var api = {
    expand: function (path) {
      var t = checkPath(path, "expand");
      // The learner's now: the walk will not fold it again.
      for (var p = t; p >= 0; p = scopes[p].parent) { open[p] = 1; walkOpened.delete(p); }
      refresh(true);
      return api.visible();
    },
    collapse: function (path) {
      open[checkPath(path, "collapse")] = 0;
      refresh(true);
      return api.visible();
    },
    // Everything open is too big to see at once: the view stays readable (full size)
    // around the selected value, or the output, and the learner pans from there.
    expandAll: function () { open.fill(1); walkOpened.clear(); refresh(true); around(); return api.visible(); },
    collapseAll: function () { open.fill(0); walkOpened.clear(); refresh(true); around(); return api.visible(); },
    reset: function () {
      defaultOpen(); focus = null; matches = null; stepIndex = -1; selected = -1; walkOpened.clear();
      search.value = ""; showHelp(); refresh(); return api.visible();
    },
    visible: function () { return shown.map(unitId); },
    timings: function () { return timings; },
    open: function () {
      var list = [];
      for (var t = 0; t < S; t++) if (open[t] && isShown(t)) list.push(scopes[t].path);
      return list;
    },
    select: function (id) {
      selected = valueIndex(id, "select");
      showValue(selected); decorate();
      return unitId(unitOf[selected]);
    },
    search: function (query) {
      var q = String(query).trim().toLowerCase();
      matches = null;
      if (q) {
        matches = new Set();
        // A value is found by its label, by where it is ("head 1/div" finds the divisions,
        // a softmax's weights, in every scope named head 1) or by the op its box shows
        // ("Σ", "1 - ·").
        if (!searchText) {
          searchText = values.map(function (v, j) {
            var path = scopePath(j);
            return (v.label + "\u0000" + (path ? path + "/" : "") + names[j] + "\u0000" +
              v.op).toLowerCase();
          });
        }
        for (var j = 0; j < N; j++) {
          if (searchText[j].indexOf(q) >= 0 || "n" + j === q) matches.add(j);
        }
      }
      decorate();
      return matches ? Array.from(matches).map(function (j) { return "n" + j; }) : [];
    },
    highlighted: function (cls) {
      var found = view.querySelectorAll(".cr-node." + (cls || "cr-match"));
      return Array.prototype.map.call(found, function (n) { return unitId(unitOfElement(n)); });
    },
    focus: function (id) {
      var start = valueIndex(id, "focus"), lit = new Set([start]);
      // Ancestors (what its value depends on) and descendants (where its gradient comes
      // from): an explicit stack, as everywhere.
      var stack = [start], j;
      while (stack.length) {
        j = stack.pop();
        values[j].parents.forEach(function (p) { if (!lit.has(p)) { lit.add(p); stack.push(p); } });
      }
      stack = [start];
      var down = new Set([start]);
      while (stack.length) {
        j = stack.pop();
        consumers[j].forEach(function (pair) {
          if (!down.has(pair[0])) { down.add(pair[0]); lit.add(pair[0]); stack.push(pair[0]); }
        });
      }
      focus = lit; selected = start; showValue(start); decorate();
      return Array.from(unitsOf(lit)).map(unitId);
    },
    clearFocus: function () { focus = null; decorate(); },
    step: function (delta) {
      // Before any step there is nothing behind: ◀ does nothing (it once wrapped to the end).
      if (!N || (stepIndex < 0 && delta < 0)) return null;
      stepIndex = stepIndex < 0 ? (delta > 0 ? 0 : N - 1)
        : Math.min(N - 1, Math.max(0, stepIndex + delta));
      var i = N - 1 - stepIndex, changed = false, inside = new Set(chains[i]);
      // Fold what the walk opened and has left, then open what it enters.
      walkOpened.forEach(function (t) {
        if (!inside.has(t)) { open[t] = 0; walkOpened.delete(t); changed = true; }
      });
      chains[i].forEach(function (t) {
        if (!open[t]) { open[t] = 1; walkOpened.add(t); changed = true; }
      });
      selected = i;
      if (changed) layout();
      centerOn(i, zoom.k < 0.8 ? 1 : zoom.k);  // pans (and draws what comes into view)
      decorate();
      showValue(i);
      return "n" + i;
    },
    reveal: function (id, scale) {  // open its scopes, select it, centre it (at scale)
      var j = valueIndex(id, "reveal");
      reveal(j); selected = j; refresh(true); showValue(j); centerOn(j, scale);
      return "n" + j;
    }
  };
  host.addEventListener("click", function (event) {
    var target = event.target;
    var act = target.closest("[data-act]");
    if (act && host.contains(act)) {
      var name = act.getAttribute("data-act");
      if (name === "expand-all") api.expandAll();
      else if (name === "collapse-all") api.collapseAll();
      else if (name === "reset") api.reset();
      else if (name === "fit") fitView();
      else if (name === "back") api.step(-1);
      else if (name === "next") api.step(1);
      else if (name === "clear") api.clearFocus();
      else if (name === "focus" && selected >= 0) api.focus(selected);
      return;
    }
    if (drag && drag.moved) return;
    var node = target.closest(".cr-node");
    if (node) {
      var u = unitOfElement(node);
      stepIndex = -1;
      if (u >= N) { api.expand(scopes[u - N].path); showBox(u - N); }  // says it is open
      else api.select(u);
      return;
    }
    var frame = target.closest(".cr-frame");
    if (frame) api.collapse(scopes[+frame.getAttribute("data-scope")].path);
  });
  search.addEventListener("input", function () { api.search(search.value); });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && matches && matches.size) api.reveal(matches.values().next().value);
  });
  view.addEventListener("mouseover", function (event) {
    var node = event.target.closest && event.target.closest(".cr-node");
    if (!node || selected >= 0) return;
    var u = unitOfElement(node);
    if (u >= N) showBox(u - N); else showValue(u);
  });

  showHelp();
  refresh();
  window.chainruleExplorers = window.chainruleExplorers || {};
  window.chainruleExplorers[ident] = api;
  window.chainrule = api;
  return api;
}
