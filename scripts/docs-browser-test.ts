// `npm run test:docs`: the API reference as a person sees it. Starts `npm run dev` on free
// ports, opens /docs in headless Chromium (Debian's, through playwright-core), checks that
// every operation of /openapi.json is shown, authorizes with a local token and runs
// POST /segment_groups through "Try it out" (expecting 201). Any console error, failed
// request or request to another origin fails it: /docs must work with no internet.
// Screenshots: test-results/docs.png and test-results/docs-try-it.png.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium).
import { execFile, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ARTIFACTS = `${ROOT}test-results`;
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const STARTUP_TIMEOUT_MS = 120_000;

const failures: string[] = [];
let passed = 0;
function check(name: string, ok: boolean, detail = ""): void {
  if (ok) passed += 1;
  else failures.push(`${name}${detail ? `: ${detail}` : ""}`);
  console.log(`docs: ${ok ? "PASS" : "FAIL"} ${name}${!ok && detail ? ` (${detail})` : ""}`);
}

const apiPort = await freePort();
const issuerPort = await freePort();
const base = `http://127.0.0.1:${apiPort}`;
let devLog = "";
const dev = spawn(process.execPath, [`${ROOT}scripts/dev.ts`], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(apiPort), LOCAL_ISSUER_PORT: String(issuerPort) },
  // Its own process group, so one signal stops npm's children: wrangler, workerd, the issuer.
  detached: true,
  stdio: ["ignore", "pipe", "pipe"],
});
dev.stdout.on("data", (chunk: Buffer) => (devLog += chunk));
dev.stderr.on("data", (chunk: Buffer) => (devLog += chunk));

try {
  await waitForHealth();
  await inspectDocs();
} catch (err) {
  check("the run completed", false, err instanceof Error ? err.message : String(err));
} finally {
  await stopDev();
}
if (failures.length > 0) console.log(`\ndocs: ${failures.length} failed:\n  ${failures.join("\n  ")}`);
console.log(`docs: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);

async function inspectDocs(): Promise<void> {
  const document = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  check("GET /openapi.json serves the document", typeof document.paths === "object");

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const failedRequests: string[] = [];
    const foreignRequests: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    page.on("requestfailed", (request) => failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
    page.on("response", (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.request().method()} ${response.url()}: ${response.status()}`);
    });
    // As if offline: anything not from this Worker is refused (and reported).
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${base}/`) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      foreignRequests.push(url);
      return route.abort("internetdisconnected");
    });

    await page.goto(`${base}/docs`, { waitUntil: "load" });
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
    check("the page title names the API", (await page.title()).includes("Segment Groups API"));
    check(
      'POST /segment_groups is shown as "POST /segment_groups"',
      await shows(page, "post", "/segment_groups", "POST"),
    );
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        check(`${method.toUpperCase()} ${path} is shown`, await shows(page, method, path, method.toUpperCase()));
      }
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/docs.png`, fullPage: true });
    console.log(`docs: screenshot ${ARTIFACTS}/docs.png`);

    await tryCreateGroup(page);
    await page.screenshot({ path: `${ARTIFACTS}/docs-try-it.png` });
    console.log(`docs: screenshot ${ARTIFACTS}/docs-try-it.png`);

    check("no console errors", consoleErrors.length === 0, consoleErrors.join(" | "));
    check("no failed requests", failedRequests.length === 0, failedRequests.join(" | "));
    check("nothing requested from another origin", foreignRequests.length === 0, foreignRequests.join(" | "));
  } finally {
    await browser.close();
  }
}

// Swagger UI renders an operation as a block holding its method and `data-path`.
async function shows(page: Page, method: string, path: string, label: string): Promise<boolean> {
  const block = page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  if ((await block.count()) !== 1) return false;
  const methodText = (await block.locator(".opblock-summary-method").innerText()).trim();
  return methodText === label && (await block.isVisible());
}

// What a user does: Authorize with a token from the local issuer, then "Try it out" on
// POST /segment_groups with the pre-filled example, against this same origin.
async function tryCreateGroup(page: Page): Promise<void> {
  const token = (await promisify(execFile)(process.execPath, [`${ROOT}scripts/token.ts`, "--org", "1234", "--issuer-port", String(issuerPort)])).stdout.trim();
  await page.locator("button.authorize").first().click();
  await page.locator(".modal-ux input[type=text], .modal-ux input[type=password]").first().fill(token);
  await page.locator(".modal-ux .auth-btn-wrapper button.authorize").click();
  await page.locator(".modal-ux .auth-btn-wrapper button.btn-done").click();

  const block = page.locator(".opblock-post").filter({ has: page.locator('.opblock-summary-path[data-path="/segment_groups"]') });
  await block.locator(".opblock-summary").click();
  await block.locator("button.try-out__btn").click();
  await block.locator("button.execute").click();
  const status = block.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: 30_000 });
  await block.locator(".live-responses-table").first().scrollIntoViewIfNeeded();
  const got = (await status.innerText()).trim();
  check("Try it out: POST /segment_groups with the example and a local token answers 201", got.startsWith("201"), `status ${got}`);
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited early:\n${devLog}`);
    try {
      if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`GET /health did not answer 200 within ${STARTUP_TIMEOUT_MS / 1000} s:\n${devLog}`);
}

async function stopDev(): Promise<void> {
  if (dev.exitCode !== null || dev.signalCode !== null) return;
  const exited = new Promise((resolve) => dev.once("exit", resolve));
  process.kill(-dev.pid!, "SIGTERM");
  const timeout = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
  if ((await Promise.race([exited.then(() => "exited"), timeout])) !== "exited") {
    process.kill(-dev.pid!, "SIGKILL");
    check("npm run dev stops on SIGTERM", false, "still running after 15 s");
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
