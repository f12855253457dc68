// The dashboard's style sheet, inlined into the page (dashboard-page.ts): no file is fetched from anywhere.
export const DASHBOARD_STYLE = `
  :root { --bg:#0f1720; --panel:#17212d; --line:#263445; --text:#dbe4ee; --dim:#8796a8;
          --ok:#3ccf8e; --warn:#f0b429; --bad:#ef5b5b; --accent:#4ea1ff; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; align-items:center; gap:16px; padding:10px 18px; background:var(--panel); border-bottom:1px solid var(--line); flex-wrap:wrap; }
  header h1 { font-size:18px; margin:0; letter-spacing:.5px; }
  header .grow { flex:1; }
  #conn { font-size:12px; color:var(--dim); }
  #conn.live::before { content:"\\25CF "; color:var(--ok); }
  #conn.down::before { content:"\\25CF "; color:var(--bad); }
  input, button, select { font:inherit; color:var(--text); background:#0b121a; border:1px solid var(--line); border-radius:4px; padding:4px 8px; }
  button { cursor:pointer; background:#1f2d3d; }
  button:hover { border-color:var(--accent); }
  button:disabled { opacity:.5; cursor:not-allowed; }
  #token { width:22em; }
  #token-state { font-size:12px; color:var(--dim); }
  #message { padding:6px 18px; min-height:1.6em; font-size:13px; color:var(--dim); }
  #message.error { color:var(--bad); }
  main { padding:0 18px 18px; display:grid; gap:16px; }
  section.app { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:12px 14px; }
  .app-head { display:flex; align-items:center; gap:10px; flex-wrap:wrap; }
  .app-head h2 { font-size:16px; margin:0 8px 0 0; }
  .app-head .count { color:var(--dim); margin-right:auto; }
  .scale-input { width:4.5em; }
  table { width:100%; border-collapse:collapse; margin:10px 0; font-variant-numeric: tabular-nums; }
  th, td { text-align:left; padding:3px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
  th { color:var(--dim); font-weight:normal; font-size:12px; }
  td.num, th.num { text-align:right; }
  .status-online { color:var(--ok); } .status-errored { color:var(--bad); }
  .status-launching, .status-stopping { color:var(--warn); } .status-stopped { color:var(--dim); }
  .charts { display:grid; grid-template-columns:1fr 1fr; gap:12px; }
  .chart { position:relative; }
  .chart .label { font-size:12px; color:var(--dim); }
  canvas { width:100%; height:120px; display:block; background:#0b121a; border:1px solid var(--line); border-radius:4px; }
  #logs { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:12px 14px; }
  #logs .head { display:flex; gap:10px; align-items:center; }
  #log { height:260px; overflow:auto; margin:10px 0 0; padding:8px; background:#0b121a; border-radius:4px; font:12px/1.35 ui-monospace, Menlo, Consolas, monospace; white-space:pre-wrap; word-break:break-all; }
  #log .err { color:#ff9b9b; }
  .empty { color:var(--dim); padding:20px 0; }
  @media (max-width: 800px) { .charts { grid-template-columns:1fr; } }
`;
