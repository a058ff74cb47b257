using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace DiffusionDsl.Cli.Tests.Lsp;

/// <summary>
/// An LSP client for the tests: starts `msd lsp` (the msd.dll built beside the tests) and talks JSON-RPC with it over
/// the process's standard input and output pipes, as an editor does. Diagnostics the server publishes queue up in
/// <see cref="NextDiagnosticsAsync"/>.
/// </summary>
internal sealed class LspClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly JsonRpc _rpc;
    private readonly Channel<JToken> _diagnostics = Channel.CreateUnbounded<JToken>();
    private int _version;

    private LspClient(Process process)
    {
        _process = process;
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, new JsonMessageFormatter()));
        _rpc.AddLocalRpcTarget(new Notifications(_diagnostics.Writer));
        _rpc.StartListening();
    }

    public static async Task<LspClient> StartAsync()
    {
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "msd.dll")}\" lsp")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var client = new LspClient(Process.Start(start)!);
        var result = await client.RequestAsync("initialize", new { processId = Environment.ProcessId, rootUri = (string?)null, capabilities = new { } });
        Assert.True(result["capabilities"]!.Value<bool>("hoverProvider"));
        await client._rpc.NotifyWithParameterObjectAsync("initialized", new { });
        return client;
    }

    public async Task<JToken> RequestAsync(string method, object parameters)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        return await _rpc.InvokeWithParameterObjectAsync<JToken>(method, parameters, cancel.Token) ?? JValue.CreateNull();
    }

    public Task OpenAsync(string uri, string text) =>
        _rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "msd", version = ++_version, text } });

    public Task ChangeAsync(string uri, string text) =>
        _rpc.NotifyWithParameterObjectAsync("textDocument/didChange", new { textDocument = new { uri, version = ++_version }, contentChanges = new[] { new { text } } });

    public Task NotifyAsync(string method, object parameters) => _rpc.NotifyWithParameterObjectAsync(method, parameters);

    public int Version => _version;

    public Task<JToken> AtAsync(string method, string uri, int line, int character) =>
        RequestAsync(method, new { textDocument = new { uri }, position = new { line, character } });

    /// <summary>The next publishDiagnostics notification's params.</summary>
    public async Task<JToken> NextDiagnosticsAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        return await _diagnostics.Reader.ReadAsync(cancel.Token);
    }

    /// <summary>shutdown, exit, and the server's exit code.</summary>
    public async Task<int> ShutdownAsync()
    {
        await RequestAsync("shutdown", new { });
        await _rpc.NotifyAsync("exit");
        using var cancel = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _rpc.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public sealed class Notifications(ChannelWriter<JToken> diagnostics)
    {
        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JToken parameters) => diagnostics.TryWrite(parameters);
    }
}
