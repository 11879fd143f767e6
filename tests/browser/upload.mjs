// Drives Debian's Chromium through the kiemchung serve page as a clerk would: choose the demo
// folder in the folder picker, press "Kiểm tra", wait for the report, read its findings, switch to
// English. Prints one JSON object on stdout for tests/serve_browser.rs to judge.
// Then, on a fresh page, drop ZIP (the same unit zipped) on the drop zone and read its findings too.
// Usage: node upload.mjs URL FOLDER [ZIP]
import { chromium } from 'playwright-core';

import { readFileSync } from 'node:fs';

const [url, folder, zip] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Without the networking flags Chromium stalls on a closed network; playwright gives it a fresh profile.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const result = {};
try {
  const page = await browser.newPage();
  const external = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(url) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) {
      external.push(request.url());
    }
  });
  await page.goto(url);
  result.title = await page.title();
  result.start_button = await page.textContent('#start');
  await page.setInputFiles('#folder-input', folder);
  result.chosen = await page.textContent('#chosen');
  await page.click('#start');
  await page.waitForSelector('#result:not([hidden])', { timeout: 120000 });
  result.progress_seen = await page.$eval('#progress', (bar) => [bar.value, bar.max]);
  result.id = await page.$eval('#result', (section) => section.dataset.id);
  const report = page.frameLocator('#report');
  await report.locator('tr.finding').first().waitFor({ timeout: 30000 });
  result.codes = await report.locator('tr.finding').evaluateAll((rows) => [...new Set(rows.map((r) => r.dataset.code))].sort());
  result.report_text_has_kc202 = (await report.locator('body').innerText()).includes('KC202');
  result.downloads = {};
  for (const format of ['xlsx', 'csv', 'json']) {
    const href = await page.getAttribute(`#dl-${format}`, 'href');
    const response = await page.request.get(new URL(href, url).toString());
    result.downloads[format] = { status: response.status(), bytes: (await response.body()).length };
  }
  await page.waitForFunction(() => document.querySelectorAll('#checks tbody tr').length > 0);
  result.history_rows = await page.locator('#checks tbody tr').count();
  await page.click('#lang-switch');
  result.english_start_button = await page.textContent('#start');
  result.english_lang = await page.evaluate(() => document.documentElement.lang);
  result.external_requests = external;
  await page.screenshot({ path: process.env.SCREENSHOT || '/dev/null', fullPage: false }).catch(() => {});
  if (zip) {
    // A clerk drags the zip Windows made onto the page.
    const dropped = await browser.newPage();
    await dropped.goto(url);
    const bytes = [...readFileSync(zip)];
    const name = zip.split('/').pop();
    const transfer = await dropped.evaluateHandle(([data, fileName]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], fileName, { type: 'application/zip' }));
      return transfer;
    }, [bytes, name]);
    await dropped.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
    result.dropped_chosen = await dropped.textContent('#chosen');
    await dropped.click('#start');
    await dropped.waitForSelector('#result:not([hidden])', { timeout: 120000 });
    result.dropped_id = await dropped.$eval('#result', (section) => section.dataset.id);
    const droppedReport = dropped.frameLocator('#report');
    await droppedReport.locator('tr.finding').first().waitFor({ timeout: 30000 });
    result.dropped_codes = await droppedReport.locator('tr.finding')
      .evaluateAll((rows) => [...new Set(rows.map((r) => r.dataset.code))].sort());
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
