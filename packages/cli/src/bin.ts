#!/usr/bin/env node
/** The `wirestack` executable. */

// `wirestack decode big.pcap | head`: the reader went away; end quietly with status 0.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

function fail(e: unknown): void {
  process.stderr.write(`wirestack: internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 1;
}

// Loaded dynamically so that even a broken installation (a missing module) ends with one line, not a stack trace.
import('./main.js').then(
  (m) =>
    m.main(process.argv).then((code) => {
      process.exitCode = code;
    }, fail),
  fail,
);
