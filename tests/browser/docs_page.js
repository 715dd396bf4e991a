// The docs page in headless Chromium under the Content-Security-Policy the
// module sends with it: authorize through the login form (OAuth2 password
// flow), try GET /users/me, and report what the page shows (read from the
// DOM) and any CSP violation or page error.
// usage: node docs_page.js API_BASE USERNAME PASSWORD [SCREENSHOT.png]
'use strict';
const { launch } = require('./browser.js');

const [api, username, password, shot] = process.argv.slice(2);

(async () => {
  const browser = await launch();
  const out = { errors: [] };
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1200, height: 2000 } });
    page.on('console', m => {
      if (m.type() === 'error') out.errors.push(m.text());
    });
    page.on('pageerror', e => out.errors.push(String(e)));
    const resp = await page.goto(api + '/docs');
    out.csp = resp.headers()['content-security-policy'] || null;
    await page.locator('.info .title').waitFor({ timeout: 30000 });
    out.title = (await page.locator('.info .title').textContent()).trim();
    out.spec_link = await page.locator('.info a[href$="openapi.json"]').first()
      .getAttribute('href');
    out.schemas = await page.locator('section.models h4').count();

    // Authorize: the OAuth2 password form posts to /auth/login
    await page.locator('button.authorize').first().click();
    await page.locator('#oauth_username').fill(username);
    await page.locator('#oauth_password').fill(password);
    await page.locator('.auth-container:has(#oauth_username) button.authorize').click();
    const oauth = page.locator('.auth-container:has-text("OAuth2PasswordBearer")');
    await oauth.locator('button[aria-label="Remove authorization"]').waitFor({ timeout: 15000 });
    out.authorized = (await oauth.locator('h6').textContent()).trim();
    await oauth.locator('button.btn-done').click();

    // Try it: GET /users/me
    const op = page.locator('.opblock-get', { has: page.locator('[data-path="/users/me"]') });
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status');
    await status.first().waitFor({ timeout: 15000 });
    out.status = (await status.first().textContent()).trim();
    out.body = await op.locator('.live-responses-table .response-col_description pre')
      .first().textContent();
    out.curl = await op.locator('.curl-command .curl, .curl-command pre, .curl').first()
      .textContent();
    if (shot) await page.screenshot({ path: shot, fullPage: false });
  } catch (e) {
    out.failure = String(e);
    if (shot && page) await page.screenshot({ path: shot });
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
