// A browser app on another origin calls the API through fetch(): headless
// Chromium (Debian's) driven by playwright-core. The app's page comes from
// a small server here on 127.0.0.1:PORT, opened as ORIGIN (http://localhost:PORT
// or http://127.0.0.1:PORT: two origins), so the browser sends that Origin
// and enforces CORS on the API's answers. (A page the browser makes up
// itself would count as public, and Chromium keeps public pages from
// loopback addresses whatever CORS says.) Prints what the page wrote.
// usage: node cors_page.js ORIGIN API_BASE USERNAME PASSWORD
'use strict';
const http = require('http');
const { launch } = require('./browser.js');

const [origin, api, username, password] = process.argv.slice(2);

const app = `<!DOCTYPE html><html><body><pre id="out">running</pre><script>
(async () => {
  const api = ${JSON.stringify(api)}, out = {};
  const json = { 'Content-Type': 'application/json' };
  try {
    let r = await fetch(api + '/auth/login', { method: 'POST', headers: json,
      body: JSON.stringify({ username: ${JSON.stringify(username)},
                             password: ${JSON.stringify(password)} }) });
    const token = (await r.json()).access_token;
    out.login = r.status;
    const auth = { Authorization: 'Bearer ' + token };
    r = await fetch(api + '/users/me', { headers: auth });
    out.me = [r.status, (await r.json()).username];
    r = await fetch(api + '/tasks', { method: 'POST', headers: { ...auth, ...json },
      body: JSON.stringify({ title: 'made in a browser' }) });
    out.task = [r.status, (await r.json()).title, r.headers.get('Location')];
    r = await fetch(api + '/users/me', { headers: { Authorization: 'Bearer expired' } });
    out.refused_token = [r.status, r.headers.get('WWW-Authenticate')];
  } catch (e) {
    out.error = String(e);
  }
  document.getElementById('out').textContent = JSON.stringify(out);
})();
</script></body></html>`;

(async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(app);
  });
  await new Promise(ok => server.listen(Number(new URL(origin).port), '127.0.0.1', ok));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    page.on('console', m => console.error('console:', m.text()));
    await page.goto(origin + '/app.html');
    const out = page.locator('#out');
    await out.filter({ hasNotText: 'running' }).waitFor({ timeout: 20000 });
    process.stdout.write(await out.textContent());
  } finally {
    await browser.close();
    server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
