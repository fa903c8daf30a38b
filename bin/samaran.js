#!/usr/bin/env node
'use strict';
require('../dist/cli.js').main(process.argv).catch((error) => {
  // The CLI prints its own messages; this is the last line of defence and never prints values.
  process.stderr.write(`samaran: ${error && error.message ? error.message : 'failed'}\n`);
  process.exitCode = 1;
});
