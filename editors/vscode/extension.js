// The MSD extension's client: starts `msd lsp` (setting msd.server.command, default msd from the PATH) over stdio for
// .msd documents, and starts it again when msd.server.* changes. The grammar in syntaxes/ highlights without it.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function start() {
  const config = vscode.workspace.getConfiguration('msd');
  const command = config.get('server.command', 'msd');
  const args = config.get('server.args', ['lsp']);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'msd' }, { scheme: 'untitled', language: 'msd' }],
  };
  client = new LanguageClient('msd', 'MSD language server', serverOptions, clientOptions);
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `MSD: could not start '${command} ${args.join(' ')}' (${error.message}). Install msd with ` +
      '`dotnet tool install --global DiffusionDsl.Cli --prerelease --add-source FEED` (FEED: the folder scripts/pack.sh ' +
      'fills, artifacts/feed in a clone of DiffusionDsl), or set msd.server.command.');
  });
}

// Restarts run one after another: two quick setting changes must not leave two servers.
let restarting = Promise.resolve();

function activate(context) {
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration('msd.server')) return restarting;
    restarting = restarting.then(async () => {
      // A client that never started has nothing to stop, and says so by throwing.
      if (client) await client.stop().catch(() => undefined);
      await start();
    });
    return restarting;
  }));
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, client: () => client };
