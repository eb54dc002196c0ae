// The screenshot of the web app in the README and docs/browser.md: examples/web built by Vite as
// test/browser-app.test.ts builds it, trained on the built-in corpus in headless Chromium, a
// sentence typed in. Run after `npm run build`:
//
//   npx tsx scripts/web-app-screenshot.ts [docs/images/web-app.png]

import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'vite';
import { launchChromium, REPO_ROOT } from '../test/browser-chromium.js';
import { serveStatic } from '../test/browser-server.js';

const out = process.argv[2] ?? join(REPO_ROOT, 'docs/images/web-app.png');
const webRoot = join(REPO_ROOT, 'examples/web');
const site = mkdtempSync(join(tmpdir(), 'sentiwasm-web-app-'));

await build({
  root: webRoot,
  configFile: join(webRoot, 'vite.config.js'),
  logLevel: 'warn',
  build: { outDir: site, emptyOutDir: true },
});
const server = await serveStatic(site);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 1000 } });
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled);
  await page.click('#train');
  await page.waitForFunction(() => /^Trained/.test(document.getElementById('status')!.textContent ?? ''), undefined, {
    timeout: 60_000,
  });
  await page.fill('#text', '');
  await page.locator('#text').pressSequentially('Not bad at all, a wonderful film');
  await page.waitForTimeout(300);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`${out}: ${(statSync(out).size / 1024).toFixed(0)} KB`);
} finally {
  await browser.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });
}
