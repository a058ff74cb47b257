using System.IO;
using System.Threading.Tasks;
using Microsoft.VisualStudio.Threading;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using StreamJsonRpc;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>Runs <see cref="MsdLanguageServer"/> over a pair of streams with LSP's Content-Length framing.</summary>
internal static class LspHost
{
    /// <summary>Serves until `exit` or the end of <paramref name="input"/>; returns 0 after `shutdown` and `exit`, else 1.</summary>
    public static async Task<int> RunAsync(Stream input, Stream output)
    {
        var formatter = new JsonMessageFormatter();
        formatter.JsonSerializer.ContractResolver = new CamelCasePropertyNamesContractResolver();
        formatter.JsonSerializer.NullValueHandling = NullValueHandling.Ignore;
        // Json.NET's own default, which the formatter's reader takes from here: deeper bodies are refused as a parse error
        // (TolerantMessageHandler answers it) instead of being built, and cloned, recursively until the stack overflows,
        // which no handler can catch. LSP's messages nest a few levels.
        formatter.JsonSerializer.MaxDepth = 64;
        var handler = new TolerantMessageHandler(output, new HeaderNameCaseStream(input), formatter);
        using var rpc = new JsonRpc(handler);
        handler.HandlersFinished = () => rpc.DispatchCompletion;
        // One request at a time, in arrival order (StreamJsonRpc otherwise invokes on the thread pool, where a hover could
        // run before the change that preceded it): a hover after a change sees the changed text. A handler counts as done
        // at its first await; MsdLanguageServer's handlers change their state before any.
        rpc.SynchronizationContext = new NonConcurrentSynchronizationContext(sticky: false);
        var server = new MsdLanguageServer(diagnostics => rpc.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics", diagnostics));
        rpc.AddLocalRpcTarget(server, new JsonRpcTargetOptions { AllowNonPublicInvocation = true });
        // A header the framing cannot read (no Content-Length, say) still ends the connection: say why on stderr, which
        // editors show in their output panel, instead of exiting without a word.
        rpc.Disconnected += (_, e) =>
        {
            if (e.Reason is not (DisconnectedReason.RemotePartyTerminated or DisconnectedReason.LocallyDisposed))
                System.Console.Error.WriteLine($"msd lsp: the connection ended ({e.Reason}): {e.Exception?.Message ?? e.Description}");
        };
        rpc.StartListening();
        await Task.WhenAny(rpc.Completion, server.Exited.Task);
        // `exit` right behind `shutdown` (a client that does not wait for its answer) must not end the process before
        // the answer is written.
        if (server.Exited.Task.IsCompleted) await handler.AnsweredAsync();
        return server.ShutdownRequested && server.Exited.Task.IsCompleted ? 0 : 1;
    }
}
