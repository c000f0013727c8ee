// `npm run test:readme`: runs the README's "Try it" as written, against a running `npm run dev`
// on any ports (PORT and LOCAL_ISSUER_PORT exported as given to it, as the README says). The
// ```sh blocks between the "Try it" heading and the next heading run top to bottom in one bash;
// every `# → NNN` comment is the status the next curl must answer with, in order.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expectedStatuses, tryItBlocks } from "./readme-blocks.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

const script = tryItBlocks(README).join("\n");
const expected = expectedStatuses(script);
if (expected.length === 0) fail('no "# → NNN" comments in the README\'s "Try it" blocks');

// curl reports each status on stderr, behind a marker; everything else passes through.
const MARKER = "readme-try-it status:";
const prelude = `set -euo pipefail\ncurl() { command curl --write-out '%{stderr}${MARKER} %{http_code}\\n' "$@"; }\n`;
const api = `http://127.0.0.1:${process.env.PORT || 8787}`;
const health = await fetch(`${api}/health`).catch(() => undefined);
if (health?.status !== 200) fail(`nothing answers GET ${api}/health with 200; start \`npm run dev\` first (same PORT and LOCAL_ISSUER_PORT)`);

const run = spawnSync("bash", ["-c", prelude + script], { cwd: ROOT, env: process.env, encoding: "utf8" });
const stderr = run.stderr.split("\n");
const actual = stderr.filter((line) => line.startsWith(MARKER)).map((line) => Number(line.slice(MARKER.length)));
process.stdout.write(run.stdout);
process.stderr.write(stderr.filter((line) => !line.startsWith(MARKER)).join("\n"));

const problems: string[] = [];
if (run.status !== 0) problems.push(`bash exited with ${run.status ?? run.signal}`);
if (actual.length !== expected.length) problems.push(`${actual.length} curl calls ran, ${expected.length} "# → NNN" comments expect`);
expected.forEach((status, i) => {
  if (actual[i] !== status) problems.push(`call ${i + 1}: expected ${status}, got ${actual[i] ?? "nothing"}`);
});
if (problems.length > 0) fail(`README "Try it" does not run as written:\n  ${problems.join("\n  ")}`);
console.log(`\nreadme-try-it: ${expected.length} calls answered as the README says (${expected.join(", ")})`);

function fail(message: string): never {
  console.error(`readme-try-it: ${message}`);
  process.exit(1);
}
