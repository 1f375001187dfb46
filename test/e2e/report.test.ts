// The HTML report in a real browser: scan the samples into a store, write the report, open it in
// headless Chromium (Debian's `chromium`) with the network off, and check that the four charts drew
// something, that the incident's alerts are rows with their evidence, and save a screenshot
// (test-results/report.png). Set K8S_AUDIT_SKIP_BROWSER=1 on a machine without Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/events.js';

const BIN = join(REPO_ROOT, 'bin/k8s-audit.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = process.env.K8S_AUDIT_SKIP_BROWSER === '1';

describe.skipIf(skip)('k8s-audit report', () => {
  it("renders the samples' incident in headless Chromium: charts drawn, alert rows with evidence, no network", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or K8S_AUDIT_SKIP_BROWSER=1)`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'k8s-audit-report-'));
    const store = join(dir, 'audit.db');
    const html = join(dir, 'report.html');
    const scan = spawnSync(process.execPath, [BIN, 'scan', join(REPO_ROOT, 'samples'), '--store', store, '--alerts', 'none'], { cwd: dir, encoding: 'utf8' });
    expect(scan.status, scan.stderr).toBe(0);
    const t0 = performance.now();
    const report = spawnSync(process.execPath, [BIN, 'report', '--store', store, '-o', html], { cwd: dir, encoding: 'utf8' });
    const reportMs = performance.now() - t0;
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/report\.html: 484 requests, \d+ alerts \(1 critical, \d+ high\)/);
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)[^\s"']*\.(js|css)/);

    // A fresh profile per run; Playwright passes it as --user-data-dir.
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'k8s-audit-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
      const errors: string[] = [];
      page.on('pageerror', (e) => void errors.push(e.message));
      await page.goto(`file://${html}`);
      await page.waitForFunction(() => (globalThis as unknown as { __reportCharts?: number }).__reportCharts === 4, undefined, { timeout: 10_000 });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);

      // Each chart's canvas has painted pixels (not a blank rectangle).
      // (The tests compile without the DOM library: the browser objects are typed by what is used.)
      type Canvas = { id: string; width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const painted = await page.$$eval('canvas', (canvases) =>
        (canvases as unknown as Canvas[]).map((c) => {
          const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
          return { id: c.id, painted: n, width: c.width };
        }),
      );
      expect(painted.map((p) => p.id)).toEqual(['chart-timeline', 'chart-severity', 'chart-rules', 'chart-actors']);
      for (const p of painted) expect(p.painted, p.id).toBeGreaterThan(1000);

      // The incident: every step is an alert row, with its evidence.
      const rules = await page.$$eval('tr.alert', (rows) => (rows as unknown as { dataset: Record<string, string> }[]).map((r) => r.dataset.rule));
      for (const rule of ['secrets-suspicious-user-agent', 'exec-cloud-metadata', 'pod-exec', 'rbac-cluster-admin-binding', 'pod-privileged', 'secret-deleted']) expect(rules).toContain(rule);
      const binding = page.locator('tr.alert[data-rule="rbac-cluster-admin-binding"]');
      await expect(binding.textContent()).resolves.toMatch(/alice@example\.com \(as system:serviceaccount:shop:ops-bot\) created clusterrolebinding ops-bot-admin/);
      await expect(binding.locator('dl.evidence').textContent()).resolves.toMatch(/cluster-admin/);
      await expect(page.locator('section.resource[data-resource="secrets"]').textContent()).resolves.toMatch(/alice@example\.com deleted secret shop\/db-credentials/);
      await expect(page.locator('#rejected').textContent()).resolves.toMatch(/No input was rejected/);

      // The severity filter hides rows in the page itself.
      await page.locator('input[data-filter="low"]').uncheck();
      expect(await page.locator('tr.alert[data-severity="low"]:visible').count()).toBe(0);
      await page.locator('input[data-filter="low"]').check();

      mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
      const shot = join(REPO_ROOT, 'test-results/report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(50_000);
      console.log(`report: ${(statSync(html).size / 1024).toFixed(0)} KiB written in ${reportMs.toFixed(0)} ms (CLI start included); screenshot ${shot}`);
    } finally {
      await browser.close();
    }
  });
});
