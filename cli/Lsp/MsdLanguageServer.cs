using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// The JSON-RPC methods of `msd lsp`: the document lifecycle (full-text sync; diagnostics published after each open and
/// change), hover, completion, definition and formatting. Each request reads the latest text of its document; the host
/// runs them one at a time, in the order they arrive (<see cref="LspHost"/>).
/// </summary>
internal sealed class MsdLanguageServer
{
    private readonly ConcurrentDictionary<string, MsdDocumentState> _documents = new();
    private readonly Func<PublishDiagnosticsParams, Task> _publish;

    public MsdLanguageServer(Func<PublishDiagnosticsParams, Task> publish) => _publish = publish;

    /// <summary>Set by `shutdown`: `exit` then ends the process with 0 (1 without it, as LSP says).</summary>
    public bool ShutdownRequested { get; private set; }

    /// <summary>Completed by `exit`.</summary>
    public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public object Initialize(JToken parameters) => new
    {
        capabilities = new
        {
            textDocumentSync = new { openClose = true, change = TextDocumentSyncKind.Full },
            hoverProvider = true,
            completionProvider = new { triggerCharacters = new[] { " " } },
            definitionProvider = true,
            documentFormattingProvider = true,
        },
        serverInfo = new { name = "msd", version = typeof(MsdLanguageServer).Assembly.GetName().Version?.ToString(3) },
    };

    [JsonRpcMethod("initialized", UseSingleObjectParameterDeserialization = true)]
    public void Initialized(JToken parameters) { }

    [JsonRpcMethod("shutdown")]
    public object? Shutdown()
    {
        ShutdownRequested = true;
        return null;
    }

    [JsonRpcMethod("exit")]
    public void Exit() => Exited.TrySetResult();

    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public Task DidOpen(JToken parameters)
    {
        var item = TextDocument(parameters);
        var document = MsdDocumentState.Open(Uri(item), item.Value<int?>("version"), item.Value<string>("text") ?? "");
        _documents[document.Uri] = document;
        return _publish(DiagnosticsConverter.For(document));
    }

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public Task DidChange(JToken parameters)
    {
        var identifier = TextDocument(parameters);
        string uri = Uri(identifier);
        // Full sync: the last change holds the whole text.
        if (parameters["contentChanges"] is not JArray { Count: > 0 } changes) return Task.CompletedTask;
        string text = changes[changes.Count - 1]!.Value<string>("text") ?? "";
        var document = _documents.TryGetValue(uri, out var previous)
            ? previous.Change(identifier.Value<int?>("version"), text)
            : MsdDocumentState.Open(uri, identifier.Value<int?>("version"), text);
        _documents[uri] = document;
        return _publish(DiagnosticsConverter.For(document));
    }

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public Task DidClose(JToken parameters)
    {
        string uri = Uri(TextDocument(parameters));
        _documents.TryRemove(uri, out _);
        return _publish(new PublishDiagnosticsParams(uri, null, Array.Empty<Diagnostic>()));
    }

    [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
    public Hover? Hover(JToken parameters) =>
        Document(parameters) is { } document ? HoverProvider.At(document, PositionOf(parameters)) : null;

    [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
    public CompletionList Completion(JToken parameters) =>
        Document(parameters) is { } document ? CompletionProvider.At(document, PositionOf(parameters)) : new CompletionList(false, Array.Empty<CompletionItem>());

    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public Location? Definition(JToken parameters) =>
        Document(parameters) is { } document ? DefinitionProvider.At(document, PositionOf(parameters)) : null;

    [JsonRpcMethod("textDocument/formatting", UseSingleObjectParameterDeserialization = true)]
    public IReadOnlyList<TextEdit> Formatting(JToken parameters)
    {
        if (Document(parameters) is not { } document) return Array.Empty<TextEdit>();
        var options = parameters["options"];
        return DocumentFormatter.Format(document, options?.Value<int?>("tabSize") ?? 2, options?.Value<bool?>("insertSpaces") ?? true);
    }

    private MsdDocumentState? Document(JToken parameters) =>
        _documents.TryGetValue(Uri(TextDocument(parameters)), out var document) ? document : null;

    private static JToken TextDocument(JToken parameters) =>
        parameters["textDocument"] ?? throw new LocalRpcException("textDocument is missing") { ErrorCode = -32602 };

    private static string Uri(JToken identifier) =>
        identifier.Value<string>("uri") ?? throw new LocalRpcException("textDocument.uri is missing") { ErrorCode = -32602 };

    private static Position PositionOf(JToken parameters)
    {
        var position = parameters["position"] ?? throw new LocalRpcException("position is missing") { ErrorCode = -32602 };
        return new Position(position.Value<int>("line"), position.Value<int>("character"));
    }
}
