/**
 * Draws docs/benchmarks/scale-rss.svg and scale-latency.svg from the
 * measured runs in bench/scale/results.jsonl (one ScaleResult per line, as
 * `npx tsx bench/scale` prints it). Hand-made SVG: no plotting dependency.
 *
 *   npx tsx bench/scale/plot.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@kedge/testkit';
import type { ScaleResult } from './run';

interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly [number, number][];
}

const W = 560;
const H = 320;
const M = { left: 70, right: 20, top: 40, bottom: 50 };

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1e-9)));
  return [1, 2, 5, 10].map((k) => k * p).find((c) => c >= v) ?? 10 * p;
}

function chart(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = niceMax(Math.max(...xs, 1));
  const yMax = niceMax(Math.max(...ys, 1));
  const px = (x: number) => M.left + (x / xMax) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / yMax) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const y = (yMax * i) / 5;
    const x = (xMax * i) / 5;
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${+y.toPrecision(3)}</text>`,
      `<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${+x.toPrecision(3)}</text>`,
    );
  }
  out.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">${xLabel}</text>`,
    `<text transform="translate(16 ${H / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`,
  );
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`,
      ...pts.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="${s.color}"/>`),
      `<rect x="${M.left + 10}" y="${M.top + 4 + i * 16}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${M.left + 26}" y="${M.top + 13 + i * 16}">${s.name}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const root = repoRoot();
const runs = readFileSync(join(root, 'bench/scale/results.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as ScaleResult)
  .filter((r) => r.replicas === 1);
const at = (f: (r: ScaleResult) => number | undefined): [number, number][] =>
  runs.flatMap((r) => {
    const v = f(r);
    return v === undefined ? [] : [[r.nodes, v] as [number, number]];
  });

writeFileSync(
  join(root, 'docs/benchmarks/scale-rss.svg'),
  chart('cloudcore memory against connected nodes (1 replica)', 'edge nodes', 'MB (total) · KB (per node)', [
    { name: 'RSS, whole process, MB', color: '#1f77b4', points: at((r) => r.cloudcore.rssBytesTotal / 1e6) },
    { name: 'RSS per connected node, KB', color: '#d62728', points: at((r) => r.cloudcore.rssBytesPerNode / 1e3) },
  ]),
);
writeFileSync(
  join(root, 'docs/benchmarks/scale-latency.svg'),
  chart('pod startup latency at steady churn (creation → Running in the API)', 'edge nodes', 'seconds', [
    { name: 'p50', color: '#2ca02c', points: at((r) => (r.churn ? r.churn.latencyMs.p50 / 1000 : undefined)) },
    { name: 'p90', color: '#ff7f0e', points: at((r) => (r.churn ? r.churn.latencyMs.p90 / 1000 : undefined)) },
    { name: 'p99', color: '#d62728', points: at((r) => (r.churn ? r.churn.latencyMs.p99 / 1000 : undefined)) },
  ]),
);
process.stdout.write(`${JSON.stringify({ runs: runs.length, wrote: ['scale-rss.svg', 'scale-latency.svg'] })}\n`);
