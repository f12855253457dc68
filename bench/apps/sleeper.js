// An app that does nothing but stay alive (the "50 fork apps" of the CLI and memory figures).
setInterval(() => {}, 60_000);
