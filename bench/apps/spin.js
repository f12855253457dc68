// A bench app whose requests cost CPU: GET /spin/<ms> burns about that many milliseconds of CPU before it
// answers "hello from <pid>"; any other path answers at once. Heavy and light clients differ by path.
const http = require('node:http');
const server = http.createServer((req, res) => {
  const m = /^\/spin\/(\d+)/.exec(req.url ?? '');
  if (m) {
    const until = process.hrtime.bigint() + BigInt(Number(m[1]) * 1e6);
    while (process.hrtime.bigint() < until);
  }
  res.end(`hello from ${process.pid}\n`);
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
