// Writes N numbered lines ("<pid> line <i> of <N>") as fast as stdout takes them, waiting for 'drain'
// whenever write() returns false (the textbook pattern), then "<pid> done", then stays alive. N from
// argv[2]. The pid tells the workers' lines apart where a manager merges them into one file.
const total = Number(process.argv[2] ?? 100000);
const pid = process.pid;
let i = 0;
function write() {
  while (i < total) {
    const ok = process.stdout.write(`${pid} line ${i} of ${total}\n`);
    i += 1;
    if (!ok) {
      process.stdout.once('drain', write);
      return;
    }
  }
  process.stdout.write(`${pid} done\n`);
}
write();
setInterval(() => {}, 1000);
