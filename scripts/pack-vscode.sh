#!/usr/bin/env bash
# Packs the VS Code extension (editors/vscode: the .msd grammar and the client that starts `msd lsp`) into
# artifacts/msd-language-VERSION.vsix with @vscode/vsce. npm ci installs vsce and vscode-languageclient from the npm
# registry into editors/vscode/node_modules (git-ignored) from the committed package-lock.json; packaging itself needs
# no network. Install the result with: code --install-extension artifacts/msd-language-VERSION.vsix
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "pack-vscode.sh: node (18 or later) and npm are needed: apt-get install nodejs npm" >&2; exit 1; }
mkdir -p artifacts
cd editors/vscode
npm ci --no-audit --no-fund
version=$(node -p "require('./package.json').version")
npx --no-install vsce package --skip-license --allow-missing-repository --out "../../artifacts/msd-language-$version.vsix"
ls -l "../../artifacts/msd-language-$version.vsix"
