// Headless Debian chromium through playwright-core (web/node_modules, make deps).
'use strict';
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', '..', 'web', 'node_modules',
                                       'playwright-core'));

exports.launch = () => chromium.launch({
  executablePath: process.env.PAMPS_CHROMIUM || '/usr/bin/chromium',
  // root in a container: Chromium's sandbox needs user namespaces
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
  headless: true,
});
