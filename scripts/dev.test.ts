// `npm run test:scripts` (node:test, outside workerd): `npm run dev` refuses to start when either
// of its ports is taken, names both, suggests both variables, and starts nothing; likewise when
// --shards is out of range.
// Uses PORT and LOCAL_ISSUER_PORT when set, else ports the OS hands out.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const DEV = fileURLToPath(new URL("./dev.ts", import.meta.url));

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

async function freePort(fromEnv: string | undefined): Promise<number> {
  if (fromEnv) return Number(fromEnv);
  const server = await listen(0);
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const apiPort = await freePort(process.env.PORT);
const issuerPort = await freePort(process.env.LOCAL_ISSUER_PORT);

function runDev() {
  const env = { ...process.env, PORT: String(apiPort), LOCAL_ISSUER_PORT: String(issuerPort) };
  return spawnSync(process.execPath, [DEV], { env, encoding: "utf8", timeout: 30_000 });
}

for (const taken of ["PORT", "LOCAL_ISSUER_PORT"] as const) {
  describe(`npm run dev with ${taken} taken`, () => {
    const port = taken === "PORT" ? apiPort : issuerPort;
    let blocker: Server | undefined;
    after(() => blocker?.close());

    it("exits 1 before starting anything, naming both ports and both variables", async () => {
      blocker = await listen(port);
      const run = runDev();
      const output = `${run.stdout}\n${run.stderr}`;
      assert.equal(run.status, 1, output);
      assert.match(run.stderr, new RegExp(`PORT=${apiPort} \\(the API\\): ${taken === "PORT" ? "taken" : "free"}`), output);
      assert.match(run.stderr, new RegExp(`LOCAL_ISSUER_PORT=${issuerPort} \\(the local issuer\\): ${taken === "PORT" ? "free" : "taken"}`), output);
      const suggestion = /^ {2}PORT=(\d+) LOCAL_ISSUER_PORT=(\d+) npm run dev$/m.exec(run.stderr);
      assert.ok(suggestion, output);
      const [suggestedApi, suggestedIssuer] = [Number(suggestion[1]), Number(suggestion[2])];
      assert.notEqual(suggestedApi, suggestedIssuer, output);
      // The taken port moves to one that is neither of the two; the free one stays.
      const [moved, kept, keptPort] = taken === "PORT" ? [suggestedApi, suggestedIssuer, issuerPort] : [suggestedIssuer, suggestedApi, apiPort];
      assert.ok(![apiPort, issuerPort].includes(moved), output);
      assert.equal(kept, keptPort, output);
      assert.match(run.stderr, new RegExp(`LOCAL_ISSUER_PORT=${suggestion[2]} npm run -s token`), output);
      assert.doesNotMatch(output, /\bready\b|Applying D1 migrations|stand-in for Auth0/, output);
    });
  });
}

describe("npm run dev -- --shards with a value outside 1-16", () => {
  it("exits 1 before starting anything, saying what it accepts", () => {
    for (const value of ["0", "17", "x"]) {
      const run = spawnSync(process.execPath, [DEV, "--shards", value], { encoding: "utf8", timeout: 30_000 });
      const output = `${run.stdout}\n${run.stderr}`;
      assert.equal(run.status, 1, output);
      assert.match(run.stderr, new RegExp(`--shards must be a whole number from 1 to 16, not "${value}"`), output);
      assert.doesNotMatch(output, /local shards|Applying D1 migrations|stand-in for Auth0/, output);
    }
  });
});
