// Preloaded by scripts/test-node.mjs (through NODE_OPTIONS, so that child processes and worker
// threads load it too) when the server suite runs on another Node version. better-sqlite3 is a
// native addon compiled for one Node ABI: the copy in node_modules is built for the Node that ran
// `npm ci`, and rebuilding it there would break everyone else's runs of the same tree. So the
// other Node's build lives in a cache directory, and this hook loads it instead of the one in
// node_modules, without touching node_modules or the server code.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const binding = process.env.KPC_SQLITE_BINDING;
if (binding) {
  const loadNative = Module._extensions['.node'];
  // better-sqlite3 finds its addon through the `bindings` package, which ends in a plain require
  // of build/Release/better_sqlite3.node: every such load goes through this extension handler.
  Module._extensions['.node'] = function (module, filename) {
    const ours = path.basename(filename) === 'better_sqlite3.node';
    return loadNative.call(this, module, ours ? binding : filename);
  };
}
