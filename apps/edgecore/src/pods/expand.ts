// Kubernetes `$(VAR)` expansion for command, args and env values:
// `$(NAME)` becomes the value when NAME is defined, stays literal otherwise;
// `$$` is an escaped `$`.

export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name ? lookup(name) : undefined;
      out += value ?? input.slice(i, close + 1);
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}
