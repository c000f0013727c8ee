import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { startLocalIssuer } from "../scripts/local-issuer.ts";

// Runs in Node before any test. Writes the API reference (assets/openapi.json, which the
// contract checker validates every response against), then starts one local issuer for the
// whole run, on a random loopback port.
export default async function startIssuer(project: TestProject) {
  writeApiReference();
  const issuer = await startLocalIssuer();
  project.provide("issuerUrl", issuer.url);
  project.provide("issuerPrivateJwk", JSON.stringify(issuer.privateJwk));
  return () => issuer.close();
}

// --lenient: a route without describeRoute is then reported by its own test, not here.
function writeApiReference() {
  const script = new URL("../scripts/openapi.ts", import.meta.url).pathname;
  execFileSync(process.execPath, [script, "--lenient"], { stdio: ["ignore", "ignore", "inherit"] });
}
