// `npm run db:check`: fails when src/db/schema.ts and the migrations' drizzle snapshots
// disagree, i.e. when a schema change was made without its migration. drizzle-kit generate
// runs against a scratch copy of migrations/ (nothing in the repository is written) and must
// find nothing to do; otherwise the SQL it would write is printed. Hand-written migration SQL
// (triggers, WITHOUT ROWID, backfills: docs/storage.md) is not compared, only the snapshots.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// drizzle-kit prefixes "./" to --out, so the scratch copy lives inside the repository (ignored by git).
const scratch = ".wrangler/drizzle-check";
rmSync(join(ROOT, scratch), { recursive: true, force: true });
mkdirSync(join(ROOT, scratch), { recursive: true });
cpSync(join(ROOT, "migrations"), join(ROOT, scratch), { recursive: true });
const before = new Set(readdirSync(join(ROOT, scratch)));

const run = spawnSync(
  process.execPath,
  [join(ROOT, "node_modules/drizzle-kit/bin.cjs"), "generate", "--dialect", "sqlite", "--schema", "./src/db/schema.ts", "--out", scratch],
  { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
);
const output = `${run.stdout}${run.stderr}`;
const written = readdirSync(join(ROOT, scratch))
  .filter((f) => !before.has(f) && f.endsWith(".sql"))
  .map((file) => ({ file, sql: readFileSync(join(ROOT, scratch, file), "utf8") }));
rmSync(join(ROOT, scratch), { recursive: true, force: true });

if (run.status === 0 && written.length === 0 && /No schema changes/.test(output)) {
  console.log("db:check: src/db/schema.ts matches the migrations' snapshots");
} else {
  console.error("db:check: src/db/schema.ts has changes no migration covers. Run `npm run db:generate` and review the SQL.");
  for (const { file, sql } of written) console.error(`--- would write migrations/${file}:\n${sql}`);
  if (written.length === 0) console.error(output);
  process.exit(1);
}
