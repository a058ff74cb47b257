// Checks the extension's client without VS Code: `vscode` and `vscode-languageclient/node` are replaced by recorders, so
// this runs with node alone (no npm install). activate() must start `msd lsp` (or the configured command) over stdio for
// msd documents, report a server that cannot start, and deactivate() must stop the client.
'use strict';
const assert = require('assert');
const Module = require('module');
const path = require('path');

const recorded = { clients: [], errors: [], stopped: 0, stoppedClients: [], configurationListeners: [] };
let settings = {};
let failStart = null;
const stubs = {
  vscode: {
    workspace: {
      getConfiguration: (section) => ({ get: (key, fallback) => (`${section}.${key}` in settings ? settings[`${section}.${key}`] : fallback) }),
      onDidChangeConfiguration: (listener) => { recorded.configurationListeners.push(listener); return { dispose() {} }; },
    },
    window: { showErrorMessage: (message) => recorded.errors.push(message) },
  },
  'vscode-languageclient/node': {
    TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 },
    LanguageClient: class {
      constructor(id, name, serverOptions, clientOptions) {
        Object.assign(this, { id, name, serverOptions, clientOptions });
        recorded.clients.push(this);
      }
      start() { return failStart ? Promise.reject(failStart) : Promise.resolve(); }
      stop() { recorded.stopped++; recorded.stoppedClients.push(this); return Promise.resolve(); }
      dispose() {}
    },
  },
};
const resolve = Module._load;
Module._load = function (request, parent, isMain) {
  return Object.prototype.hasOwnProperty.call(stubs, request) ? stubs[request] : resolve.call(this, request, parent, isMain);
};

const extension = require(path.join(__dirname, '..', 'extension.js'));
const manifest = require(path.join(__dirname, '..', 'package.json'));

(async () => {
  const context = { subscriptions: [] };
  await extension.activate(context);
  const client = recorded.clients[0];
  assert.strictEqual(client.serverOptions.command, 'msd');
  assert.deepStrictEqual(client.serverOptions.args, ['lsp']);
  assert.strictEqual(client.serverOptions.transport, 0);
  assert.deepStrictEqual(client.clientOptions.documentSelector.map(s => s.language), ['msd', 'msd']);
  assert.strictEqual(extension.client(), client);
  // The defaults the extension reads are the ones package.json declares.
  const properties = manifest.contributes.configuration.properties;
  assert.strictEqual(properties['msd.server.command'].default, 'msd');
  assert.deepStrictEqual(properties['msd.server.args'].default, ['lsp']);
  // Changing msd.server.* restarts the server with the new setting; other settings leave it alone.
  settings = { 'msd.server.command': '/opt/msd/msd' };
  await recorded.configurationListeners[0]({ affectsConfiguration: (section) => section === 'msd.server' });
  assert.strictEqual(recorded.stopped, 1);
  assert.strictEqual(recorded.clients.length, 2);
  assert.strictEqual(recorded.clients[1].serverOptions.command, '/opt/msd/msd');
  await recorded.configurationListeners[0]({ affectsConfiguration: () => false });
  assert.strictEqual(recorded.clients.length, 2);
  // Two changes at once: two restarts in turn, each stopping the client the one before started.
  const both = [1, 2].map(() => recorded.configurationListeners[0]({ affectsConfiguration: (section) => section === 'msd.server' }));
  await Promise.all(both);
  assert.strictEqual(recorded.clients.length, 4);
  // Each stop hits the client the restart before started (identity, not shape: the clients look alike), so none is left running.
  assert.ok(recorded.stoppedClients[1] === recorded.clients[1] && recorded.stoppedClients[2] === recorded.clients[2], 'a restart stopped a stopped client');
  assert.strictEqual(extension.client(), recorded.clients[3]);
  await extension.deactivate();
  assert.strictEqual(recorded.stopped, 4);
  recorded.clients.length = 0;

  // A local tool: dotnet msd lsp; a server that cannot start is reported, naming the command.
  settings = { 'msd.server.command': 'dotnet', 'msd.server.args': ['msd', 'lsp'] };
  failStart = new Error('spawn dotnet ENOENT');
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(recorded.clients[0].serverOptions.command, 'dotnet');
  assert.deepStrictEqual(recorded.clients[0].serverOptions.args, ['msd', 'lsp']);
  assert.strictEqual(recorded.errors.length, 1);
  assert.match(recorded.errors[0], /could not start 'dotnet msd lsp' \(spawn dotnet ENOENT\)/);
  console.log('extension client: ok');
})().catch((error) => { console.error(error); process.exit(1); });
