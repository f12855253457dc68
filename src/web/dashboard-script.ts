// The dashboard's script, inlined into the page (dashboard-page.ts). It polls /api/state every second,
// keeps five minutes of CPU/memory history in the page, draws the charts on <canvas>, follows logs over
// Server-Sent Events, and sends actions with the token the user pasted (kept in sessionStorage, so it is
// gone with the tab). It avoids template literals: it is itself one.
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var HISTORY_MS = 5 * 60 * 1000;
  var MAX_LOG_LINES = 500;
  var COLORS = ['#4ea1ff', '#3ccf8e', '#f0b429', '#ef5b5b', '#b68cff', '#3fd0d4', '#ff8fc7', '#a3d65c'];
  var history = {};      // process id -> [{t, cpu, mem}]
  var cards = {};        // app name -> {el, rows: {id: tr}, cpu: canvas, mem: canvas}
  var tokenInput = document.getElementById('token');
  var logSource = null;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function token() { return sessionStorage.getItem('shoal-token') || ''; }
  function say(text, isError) {
    var m = $('#message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
  }
  function showTokenState() {
    $('#token-state').textContent = token() ? 'token set for this tab' : 'actions need the token';
  }
  function fmtBytes(b) {
    if (b >= 1073741824) return (b / 1073741824).toFixed(2) + ' GB';
    if (b >= 1048576) return (b / 1048576).toFixed(1) + ' MB';
    if (b >= 1024) return (b / 1024).toFixed(0) + ' KB';
    // Axis ticks are fractions of a range: 0.8250000000000001 B means nothing.
    return Math.round(b) + ' B';
  }
  function fmtUptime(ms) {
    if (ms <= 0) return '-';
    var s = Math.floor(ms / 1000);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + (s % 60) + 's';
    var h = Math.floor(m / 60);
    if (h < 24) return h + 'h ' + (m % 60) + 'm';
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }

  // The token opens a session (an HttpOnly cookie) for the reads, and stays in the tab for the actions.
  $('#save-token').addEventListener('click', function () {
    var v = tokenInput.value.trim();
    tokenInput.value = '';
    if (!v) { sessionStorage.removeItem('shoal-token'); showTokenState(); say('Token cleared.'); return; }
    fetch('/api/session', { method: 'POST', headers: { 'authorization': 'Bearer ' + v } }).then(function (res) {
      if (!res.ok) { say('That is not the token in SHOAL_HOME/web-token.', true); return; }
      sessionStorage.setItem('shoal-token', v);
      showTokenState();
      say('Token saved for this tab.');
      refresh();
      followLogs($('#log-app').value);
    }).catch(function (e) { say('Could not reach the daemon: ' + e.message, true); });
  });
  showTokenState();

  function act(app, action, body) {
    if (!token()) { say('Paste the token from SHOAL_HOME/web-token first (shoal dashboard shows where it is).', true); return; }
    if (action === 'stop' && !window.confirm('Stop every process of ' + app + '?')) return;
    say(action + ' ' + app + '...');
    fetch('/api/apps/' + encodeURIComponent(app) + '/' + action, {
      method: 'POST',
      headers: { 'authorization': 'Bearer ' + token(), 'content-type': 'application/json' },
      body: JSON.stringify(body || {})
    }).then(function (res) {
      return res.json().then(function (data) { return { res: res, data: data }; });
    }).then(function (r) {
      if (!r.res.ok) {
        if (r.res.status === 401) { sessionStorage.removeItem('shoal-token'); showTokenState(); }
        say((r.data.error && r.data.error.message) || ('HTTP ' + r.res.status), true);
        return;
      }
      var msgs = (r.data.messages || []).join(' ');
      say(action + ' ' + app + ': done' + (msgs ? ' - ' + msgs : ''));
      refresh();
    }).catch(function (err) { say(action + ' failed: ' + err.message, true); });
  }

  function makeCard(app) {
    var sec = el('section', { 'class': 'app', 'data-app': app });
    var head = el('div', { 'class': 'app-head' });
    head.appendChild(el('h2', null, app));
    var count = el('span', { 'class': 'count' });
    head.appendChild(count);
    ['restart', 'reload', 'stop'].forEach(function (a) {
      var b = el('button', { type: 'button', 'data-action': a }, a.charAt(0).toUpperCase() + a.slice(1));
      b.addEventListener('click', function () { act(app, a); });
      head.appendChild(b);
    });
    var scaleInput = el('input', { type: 'number', min: '1', 'class': 'scale-input', 'aria-label': 'instances' });
    var scaleBtn = el('button', { type: 'button', 'data-action': 'scale' }, 'Scale');
    // Once the user types a number, the live refresh stops overwriting it until it has been sent.
    scaleInput.addEventListener('input', function () { scaleInput.setAttribute('data-edited', '1'); });
    scaleBtn.addEventListener('click', function () {
      var n = parseInt(scaleInput.value, 10);
      if (!(n >= 1)) { say('Enter a number of instances (1 or more).', true); return; }
      scaleInput.removeAttribute('data-edited');
      act(app, 'scale', { instances: n });
    });
    head.appendChild(scaleInput);
    head.appendChild(scaleBtn);
    sec.appendChild(head);
    var table = el('table');
    var hr = el('tr');
    [['id'], ['instance'], ['pid'], ['status'], ['restarts', 'num'], ['uptime', 'num'], ['cpu', 'num'], ['memory', 'num'], ['heap', 'num'], ['last restart reason']].forEach(function (h) {
      hr.appendChild(el('th', h[1] ? { 'class': h[1] } : null, h[0]));
    });
    var thead = el('thead'); thead.appendChild(hr); table.appendChild(thead);
    var tbody = el('tbody'); table.appendChild(tbody);
    sec.appendChild(table);
    var charts = el('div', { 'class': 'charts' });
    var cpuBox = el('div', { 'class': 'chart' }); cpuBox.appendChild(el('div', { 'class': 'label' }, 'CPU % (5 min)'));
    var cpu = el('canvas', { 'data-chart': 'cpu' }); cpuBox.appendChild(cpu);
    var memBox = el('div', { 'class': 'chart' }); memBox.appendChild(el('div', { 'class': 'label' }, 'Memory (5 min)'));
    var mem = el('canvas', { 'data-chart': 'memory' }); memBox.appendChild(mem);
    charts.appendChild(cpuBox); charts.appendChild(memBox);
    sec.appendChild(charts);
    return { el: sec, count: count, tbody: tbody, rows: {}, cpu: cpu, mem: mem, scale: scaleInput };
  }

  function makeRow(p) {
    var tr = el('tr', { 'data-id': String(p.id) });
    ['id', 'instance', 'pid', 'status', 'restarts', 'uptime', 'cpu', 'memory', 'heap', 'reason'].forEach(function (k) {
      var num = ['restarts', 'uptime', 'cpu', 'memory', 'heap'].indexOf(k) >= 0;
      tr.appendChild(el('td', { 'class': k + (num ? ' num' : '') }));
    });
    return tr;
  }

  function setCell(tr, cls, text, value) {
    var td = tr.querySelector('td.' + cls);
    if (td.textContent !== text) td.textContent = text;
    if (value !== undefined) td.setAttribute('data-value', String(value));
    return td;
  }

  function render(state) {
    var container = $('#apps');
    var byApp = {};
    state.processes.forEach(function (p) { (byApp[p.name] = byApp[p.name] || []).push(p); });
    if (state.apps.length === 0) {
      container.textContent = '';
      container.appendChild(el('div', { 'class': 'empty' }, 'No apps. Start one with: shoal start app.js'));
      cards = {};
    } else {
      var empty = $('.empty', container);
      if (empty) empty.remove();
    }
    var names = state.apps.map(function (a) { return a.name; });
    Object.keys(cards).forEach(function (n) {
      if (names.indexOf(n) < 0) { cards[n].el.remove(); delete cards[n]; }
    });
    state.apps.forEach(function (a) {
      var card = cards[a.name];
      if (!card) { card = cards[a.name] = makeCard(a.name); container.appendChild(card.el); }
      card.count.textContent = a.online + '/' + a.desired + ' online';
      card.count.setAttribute('data-online', String(a.online));
      if (!card.scale.hasAttribute('data-edited')) card.scale.value = String(a.desired);
      var procs = byApp[a.name] || [];
      var ids = procs.map(function (p) { return String(p.id); });
      Object.keys(card.rows).forEach(function (id) {
        if (ids.indexOf(id) < 0) { card.rows[id].remove(); delete card.rows[id]; }
      });
      procs.forEach(function (p, idx) {
        var tr = card.rows[p.id];
        if (!tr) { tr = card.rows[p.id] = makeRow(p); card.tbody.appendChild(tr); }
        // The id takes the colour of the process's line in the charts: the legend.
        setCell(tr, 'id', String(p.id)).style.color = COLORS[idx % COLORS.length];
        setCell(tr, 'instance', String(p.instance));
        setCell(tr, 'pid', p.pid === null ? '-' : String(p.pid));
        var st = setCell(tr, 'status', p.status);
        st.className = 'status status-' + p.status;
        setCell(tr, 'restarts', String(p.restarts), p.restarts);
        setCell(tr, 'uptime', fmtUptime(p.uptime), p.uptime);
        setCell(tr, 'cpu', p.cpu.toFixed(1) + ' %', p.cpu);
        setCell(tr, 'memory', fmtBytes(p.memory), p.memory);
        setCell(tr, 'heap', p.heap_used === null ? '-' : fmtBytes(p.heap_used) + ' / ' + fmtBytes(p.heap_total || 0));
        var reason = setCell(tr, 'reason', p.last_restart_reason || '-');
        reason.title = p.status_reason;
        var h = history[p.id] = history[p.id] || [];
        h.push({ t: state.at, cpu: p.cpu, mem: p.memory });
        while (h.length && h[0].t < state.at - HISTORY_MS) h.shift();
      });
      draw(card.cpu, procs, 'cpu', state.at, function (v) { return v.toFixed(0) + '%'; });
      draw(card.mem, procs, 'mem', state.at, fmtBytes);
    });
    Object.keys(history).forEach(function (id) {
      var h = history[id];
      if (!h.length || h[h.length - 1].t < state.at - HISTORY_MS) delete history[id];
    });
    updateLogChoices(names);
  }

  function draw(canvas, procs, key, now, fmt) {
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth || 300, hgt = canvas.clientHeight || 120;
    if (canvas.width !== Math.round(w * ratio)) canvas.width = Math.round(w * ratio);
    if (canvas.height !== Math.round(hgt * ratio)) canvas.height = Math.round(hgt * ratio);
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, hgt);
    var max = key === 'cpu' ? 100 : 1;
    procs.forEach(function (p) { (history[p.id] || []).forEach(function (s) { if (s[key] > max) max = s[key]; }); });
    if (key === 'mem') max *= 1.1;
    var left = 52, top = 8, right = 8, bottom = 8;
    var pw = w - left - right, ph = hgt - top - bottom;
    g.strokeStyle = '#263445'; g.fillStyle = '#8796a8'; g.lineWidth = 1; g.font = '11px system-ui, sans-serif';
    for (var i = 0; i <= 4; i++) {
      var y = top + ph - (ph * i) / 4;
      g.beginPath(); g.moveTo(left, y + 0.5); g.lineTo(w - right, y + 0.5); g.stroke();
      g.fillText(fmt((max * i) / 4), 4, y + 4);
    }
    procs.forEach(function (p, idx) {
      var h = history[p.id] || [];
      if (h.length < 2) return;
      g.strokeStyle = COLORS[idx % COLORS.length]; g.lineWidth = 1.5; g.beginPath();
      h.forEach(function (s, j) {
        var x = left + pw * (1 - (now - s.t) / HISTORY_MS);
        var yy = top + ph - (ph * s[key]) / max;
        if (j === 0) g.moveTo(x, yy); else g.lineTo(x, yy);
      });
      g.stroke();
    });
  }

  function updateLogChoices(names) {
    var sel = $('#log-app');
    var have = Array.prototype.map.call(sel.options, function (o) { return o.value; });
    if (have.join('\\n') === names.join('\\n')) return;
    var current = sel.value;
    sel.textContent = '';
    names.forEach(function (n) { sel.appendChild(el('option', { value: n }, n)); });
    if (names.indexOf(current) >= 0) sel.value = current;
    if (sel.value !== current) followLogs(sel.value);
  }

  function followLogs(app) {
    if (logSource) { logSource.close(); logSource = null; }
    var pre = $('#log');
    pre.textContent = '';
    if (!app) { $('#log-state').textContent = ''; return; }
    logSource = new EventSource('/api/logs?app=' + encodeURIComponent(app));
    logSource.onopen = function () { $('#log-state').textContent = 'following ' + app; };
    logSource.onerror = function () { $('#log-state').textContent = 'reconnecting...'; };
    logSource.onmessage = function (ev) {
      var d;
      try { d = JSON.parse(ev.data); } catch (e) { return; }
      var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      var line = el('div', d.stream === 'err' ? { 'class': 'err' } : null, d.line);
      pre.appendChild(line);
      while (pre.childNodes.length > MAX_LOG_LINES) pre.removeChild(pre.firstChild);
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    };
  }
  $('#log-app').addEventListener('change', function (e) { followLogs(e.target.value); });

  var inFlight = false;
  function refresh() {
    if (inFlight) return;
    inFlight = true;
    fetch('/api/state', { cache: 'no-store' }).then(function (res) {
      if (res.status === 401) {
        var c = $('#conn'); c.className = 'down'; c.textContent = 'locked';
        say('Enter the token from SHOAL_HOME/web-token to see processes and logs (shoal dashboard shows where it is).', true);
        return null;
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (state) {
      if (!state) return;
      var c = $('#conn'); c.className = 'live'; c.textContent = state.processes.length + ' processes';
      render(state);
    }).catch(function () {
      var c = $('#conn'); c.className = 'down'; c.textContent = 'daemon unreachable';
    }).then(function () { inFlight = false; });
  }
  refresh();
  setInterval(refresh, 1000);
})();
`;
