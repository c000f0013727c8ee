// `npm run lint` runs this: package-lock.json must hold exactly one workerd. wrangler and
// @cloudflare/vitest-plugin each depend on one; when their versions drift apart, npm installs
// two (about 150 MB each) and the tests run on another runtime than `npm run dev`.
// Fix: pin wrangler to the version the installed @cloudflare/vitest-plugin depends on.
import { readFileSync } from "node:fs";

const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8")) as {
  packages: Record<string, { version?: string }>;
};

const workerds = Object.entries(lock.packages)
  .filter(([path]) => path === "node_modules/workerd" || path.endsWith("/node_modules/workerd"))
  .map(([path, { version }]) => `${version} (${path})`);

if (workerds.length !== 1) {
  console.error(`one-workerd: package-lock.json holds ${workerds.length} workerd packages, expected 1:\n  ${workerds.join("\n  ")}`);
  console.error("Pin wrangler to the version @cloudflare/vitest-plugin depends on (npm view @cloudflare/vitest-plugin dependencies.wrangler).");
  process.exit(1);
}
console.log(`one-workerd: ${workerds[0]}`);
