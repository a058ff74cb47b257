// The MSD extension's client: starts `msd lsp` (setting msd.server.command, default msd from the PATH) over stdio for
// .msd documents. The grammar in syntaxes/ highlights without it.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('msd');
  const command = config.get('server.command', 'msd');
  const args = config.get('server.args', ['lsp']);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'msd' }, { scheme: 'untitled', language: 'msd' }],
  };
  client = new LanguageClient('msd', 'MSD language server', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `MSD: could not start '${command} ${args.join(' ')}' (${error.message}). Install msd with ` +
      '`dotnet tool install --global DiffusionDsl.Cli --prerelease --add-source artifacts/feed`, or set msd.server.command.');
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
