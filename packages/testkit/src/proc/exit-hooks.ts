// One place where testkit registers synchronous cleanup for the end of the
// test process: normal exit, and the usual termination signals. Hooks must be
// synchronous (process 'exit' runs no more event-loop turns).

type Hook = () => void;

const hooks = new Set<Hook>();
let installed = false;

function runHooks(): void {
  for (const hook of [...hooks]) {
    hooks.delete(hook);
    try {
      hook();
    } catch {
      // Best effort: one failed cleanup must not stop the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runHooks);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runHooks();
      // Keep the default "terminate" unless someone else handles the signal too.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Runs `hook` when the process exits or is told to stop; returns a function that unregisters it. */
export function onProcessExit(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}
