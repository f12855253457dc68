// The bench's hello app (a copy of test/fixtures/http-hello.js, so fixture edits cannot move the figures):
// answers "hello from <pid>" on PORT, after DELAY_MS when set. No Shoal- or PM2-specific code.
const http = require('node:http');
const delay = Number(process.env.DELAY_MS ?? 0);
const server = http.createServer((_req, res) => {
  const reply = () => res.end(`hello from ${process.pid}\n`);
  if (delay > 0) setTimeout(reply, delay);
  else reply();
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
