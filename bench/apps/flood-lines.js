// Writes N numbered lines ("line <i> of <N>") as fast as it can: 1,000 lines per turn of the event loop,
// without waiting for 'drain' (so that PM2's replaced stdout, which never drains, cannot stall it), then
// "done", then stays alive. N from argv[2].
const total = Number(process.argv[2] ?? 1000000);
let i = 0;
function burst() {
  let s = '';
  for (let k = 0; k < 1000 && i < total; k++) s += `line ${i++} of ${total}\n`;
  process.stdout.write(s);
  if (i < total) setImmediate(burst);
  else process.stdout.write('done\n');
}
burst();
setInterval(() => {}, 1000);
