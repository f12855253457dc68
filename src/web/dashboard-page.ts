// The dashboard: one self-contained page (inline CSS and JS, no build step, nothing fetched from outside
// loopback). Its style and script live beside it (dashboard-style.ts, dashboard-script.ts).
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shoal dashboard</title>
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
  <h1>Shoal</h1>
  <span id="conn" class="down">connecting</span>
  <span class="grow"></span>
  <label for="token">Token</label>
  <input id="token" type="password" autocomplete="off" placeholder="paste SHOAL_HOME/web-token">
  <button id="save-token" type="button">Use token</button>
  <span id="token-state">actions need the token</span>
</header>
<div id="message" role="status"></div>
<main>
  <div id="apps"><div class="empty">Loading...</div></div>
  <section id="logs">
    <div class="head"><strong>Logs</strong> <select id="log-app"></select> <span id="log-state" class="label"></span></div>
    <pre id="log"></pre>
  </section>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
