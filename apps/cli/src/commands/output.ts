// Where commands write: `data` is the result (stdout, parseable), `info` is
// progress and advice (stderr), so `kedge token create -o json | jq` works.
export interface Output {
  data(line: string): void;
  info(line: string): void;
}

export const processOutput: Output = {
  data: (line) => process.stdout.write(`${line}\n`),
  info: (line) => process.stderr.write(`${line}\n`),
};
