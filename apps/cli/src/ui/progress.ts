// Progress of long steps: a spinner line that turns into a check mark on a
// TTY, plain "..." / "done" lines otherwise (logs, CI, pipes).

export interface Progress {
  step<T>(label: string, run: () => Promise<T>): Promise<T>;
  note(line: string): void;
}

const frames = ['|', '/', '-', '\\'];

export function createProgress(out: NodeJS.WriteStream = process.stderr): Progress {
  const tty = out.isTTY === true;
  return {
    note(line) {
      out.write(`${line}\n`);
    },
    async step(label, run) {
      const started = Date.now();
      if (!tty) out.write(`${label}...\n`);
      let i = 0;
      const timer = tty
        ? setInterval(
            () =>
              out.write(`\r${frames[i++ % frames.length]} ${label} (${Math.round((Date.now() - started) / 1000)}s)`),
            200,
          )
        : undefined;
      timer?.unref();
      try {
        const value = await run();
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        out.write(tty ? `\r\x1b[2K✓ ${label} (${secs}s)\n` : `${label}: done in ${secs}s\n`);
        return value;
      } catch (err) {
        out.write(tty ? `\r\x1b[2K✗ ${label}\n` : `${label}: failed\n`);
        throw err;
      } finally {
        if (timer) clearInterval(timer);
      }
    },
  };
}
