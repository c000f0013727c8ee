// What `npm run bundle:check` decides, apart from building: the budget and the per-package
// breakdown printed with it. Pure (numbers in, lines out), so the tests run it in workerd.

/**
 * The production Worker's budget: what wrangler reports as "gzip". 80 KiB since shards (the
 * directory, per-shard sessions and bookmarks, merged pages, the global catalog's protocol and
 * the move with its two operator routes: about 8.3 KiB, 75.6 KiB in all); 72 KiB before, since
 * the catalog owners, quotas and usage, the bounded pages and the reach routes; 60 KiB before them.
 */
export const GZIP_BUDGET_BYTES = 80 * 1024;

/** The part of esbuild's metafile (`wrangler deploy --metafile`) the breakdown reads. */
export interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

export interface BundleSize {
  /** Bytes of the modules wrangler uploads (source maps excluded). */
  bytes: number;
  /** Those modules concatenated and gzipped, as wrangler counts them. */
  gzipBytes: number;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;

/** The modules wrangler uploads: every output but source maps. */
export function moduleOutputs(metafile: Metafile): string[] {
  return Object.keys(metafile.outputs).filter((path) => !path.endsWith(".map"));
}

/** Minified bytes per npm package (our own code as `src`), largest first (ties by name). */
export function bytesByPackage(metafile: Metafile): [name: string, bytes: number][] {
  const totals = new Map<string, number>();
  for (const path of moduleOutputs(metafile)) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[path]!.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? (input.startsWith("src/") ? "src" : "other");
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].filter(([, bytes]) => bytes > 0).sort(([nameA, a], [nameB, b]) => b - a || nameA.localeCompare(nameB));
}

/** The lines `npm run bundle:check` prints, and whether the bundle is within `budget` gzip bytes. */
export function budgetReport(environment: string, size: BundleSize, byPackage: [string, number][], budget = GZIP_BUDGET_BYTES): { ok: boolean; lines: string[] } {
  const ok = size.gzipBytes <= budget;
  const verdict = ok ? `within the budget of ${kib(budget)} gzip` : `OVER the budget of ${kib(budget)} gzip by ${kib(size.gzipBytes - budget)}`;
  const total = byPackage.reduce((sum, [, bytes]) => sum + bytes, 0);
  return {
    ok,
    lines: [
      `bundle: ${environment}: ${kib(size.bytes)} / gzip: ${kib(size.gzipBytes)}, ${verdict}`,
      ...byPackage.map(([name, bytes]) => `bundle:   ${name.padEnd(22)} ${kib(bytes).padStart(11)} minified (${((100 * bytes) / total).toFixed(1)} %)`),
    ],
  };
}
