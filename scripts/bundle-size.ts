// `npm run bundle:check [-- --env staging]`: builds the Worker as `npm run deploy` would upload
// it (wrangler deploy --dry-run, production by default) and fails when its gzip size is over
// the budget (scripts/bundle-size-report.ts), printing the size and the minified bytes per
// package. A size, never a timing: the same commit always gives the same answer.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { budgetReport, bytesByPackage, moduleOutputs, type Metafile } from "./bundle-size-report.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));

const { values } = parseArgs({ options: { env: { type: "string", default: "production" } }, strict: true });
const environment = values.env;

const outdir = mkdtempSync(join(tmpdir(), "bundle-size-"));
try {
  const metafilePath = join(outdir, "meta.json");
  const build = spawnSync(process.execPath, [WRANGLER, "deploy", "--dry-run", "--env", environment, "--outdir", join(outdir, "dist"), "--metafile", metafilePath], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (build.status !== 0) {
    console.error(`bundle: wrangler deploy --dry-run --env ${environment} failed:\n${build.stdout}${build.stderr}`);
    process.exit(1);
  }
  const metafile = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
  // Output paths in the metafile are relative to the directory wrangler ran in.
  const modules = moduleOutputs(metafile).map((path) => readFileSync(join(ROOT, path)));
  // As wrangler counts it: the modules concatenated, gzipped at zlib's default level.
  const size = { bytes: modules.reduce((sum, m) => sum + m.byteLength, 0), gzipBytes: gzipSync(Buffer.concat(modules)).byteLength };
  const report = budgetReport(environment, size, bytesByPackage(metafile));
  for (const line of report.lines) console.log(line);
  if (!report.ok) process.exitCode = 1;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
