// Validates an OpenAPI document (a file, or stdin) with
// @apidevtools/swagger-parser (OpenAPI 3.1 schema and semantics, offline):
// exit 0 when valid, else 1 with the reasons on stderr.
// NODE_PATH points at the copy `make deps` installs (build/npm/node_modules).
'use strict';
const fs = require('fs');
const SwaggerParser = require('@apidevtools/swagger-parser');

const text = fs.readFileSync(process.argv[2] || 0, 'utf8');
SwaggerParser.validate(JSON.parse(text))
    .then(() => console.log('openapi: valid'))
    .catch((e) => { console.error(e.message); process.exit(1); });
