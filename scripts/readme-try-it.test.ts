// `npm run test:scripts`: the README's "Try it" on any port, and loud when its token step
// fails (no local issuer on LOCAL_ISSUER_PORT): the token command says why, and every call
// after it refuses to run instead of sending requests without a token to whatever answers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { expectedStatuses, tryItBlocks } from "./readme-blocks.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const blocks = tryItBlocks(readFileSync(new URL("../README.md", import.meta.url), "utf8"));
const setup = blocks[0]!;

/** A port nothing listens on (the OS hands it out, then it is closed again). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `script` in bash as a pasted shell would (no `set -e`); curl only reports that it ran. */
function paste(script: string, env: Record<string, string | undefined>) {
  const stub = 'curl() { echo "curl ran: $*"; }\n';
  const result = spawnSync("bash", ["-c", stub + script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("README, Try it", () => {
  it("has a setup block and checked calls", () => {
    assert.ok(blocks.length >= 2, `${blocks.length} sh blocks`);
    assert.ok(expectedStatuses(blocks.join("\n")).length >= 5);
  });

  it("calls the API on the PORT exported for npm run dev, 8787 when none is", () => {
    const port = "18765";
    assert.match(paste(`${setup}\necho "API=$API"`, { PORT: port, LOCAL_ISSUER_PORT: "1" }).stdout, /^API=http:\/\/127\.0\.0\.1:18765$/m);
    assert.match(paste(`${setup}\necho "API=$API"`, { PORT: undefined, LOCAL_ISSUER_PORT: "1" }).stdout, /^API=http:\/\/127\.0\.0\.1:8787$/m);
  });

  it("says why there is no token when no issuer answers, and then sends nothing", async () => {
    const port = String(await closedPort());
    const { stdout, stderr } = paste(`${setup}\ncall "$API/segments" -H "Authorization: Bearer $TOKEN"\necho "call exit $?"`, {
      PORT: port,
      LOCAL_ISSUER_PORT: port,
    });
    assert.match(stderr, new RegExp(`no local issuer is answering on http://127\\.0\\.0\\.1:${port}/.*LOCAL_ISSUER_PORT`));
    assert.match(stderr, /call: no TOKEN/);
    assert.match(stdout, /^call exit 1$/m);
    assert.doesNotMatch(stdout, /curl ran/);
  });

  it("stops at the token step when run as a script (npm run test:readme: set -e)", async () => {
    const port = String(await closedPort());
    const { status, stdout } = paste(`set -euo pipefail\n${setup}\necho "after the token step"`, { PORT: port, LOCAL_ISSUER_PORT: port });
    assert.notEqual(status, 0);
    assert.doesNotMatch(stdout, /after the token step/);
  });
});
