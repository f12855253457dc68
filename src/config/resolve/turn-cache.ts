// Answers about the filesystem that hold for one turn of the event loop. A process file of 1,000 apps
// asks the same questions 1,000 times (is `sleep` on PATH, is this cwd a directory): its apps are
// normalized in one synchronous pass, so they share the answers, and a long-lived process (the daemon)
// never keeps one past the turn that found it: a binary installed afterwards is seen.
export class TurnCache<V> {
  private readonly values = new Map<string, V>();
  private clearing = false;

  get(key: string, compute: () => V): V {
    if (this.values.has(key)) return this.values.get(key) as V;
    const value = compute();
    this.values.set(key, value);
    if (!this.clearing) {
      this.clearing = true;
      setImmediate(() => {
        this.values.clear();
        this.clearing = false;
      }).unref();
    }
    return value;
  }
}
