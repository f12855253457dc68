// The one source of time for supervision code, so tests and logs agree on what "now" is.
export const now = (): number => Date.now();
