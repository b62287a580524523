// Types for tools/bundle.mjs, which benchmarks import to bundle entries the
// same way the release build does.
export interface BundleResult {
  outfile: string;
  bytes: number;
  usesSqlite: boolean;
}
export function bundleEntry(options: { entry: string; outDir: string; sourcemap?: boolean }): Promise<BundleResult>;
