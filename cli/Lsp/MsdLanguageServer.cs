using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
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

    /// <summary>Set by `initialize`: before it, LSP has requests refused (-32002) and notifications dropped.</summary>
    private bool _initialized;

    /// <summary>Completed by `exit`.</summary>
    public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public object Initialize(JToken parameters)
    {
        _initialized = true;
        return Capabilities;
    }

    private static readonly object Capabilities = new
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
        if (!_initialized) return Task.CompletedTask;
        var item = TextDocument(parameters);
        var document = MsdDocumentState.Open(Uri(item), Integer(item, "version", required: false), item["text"]?.Type == JTokenType.String ? item.Value<string>("text")! : "");
        _documents[document.Uri] = document;
        return _publish(DiagnosticsConverter.For(document));
    }

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public Task DidChange(JToken parameters)
    {
        if (!_initialized) return Task.CompletedTask;
        var identifier = TextDocument(parameters);
        string uri = Uri(identifier);
        if (Member(parameters, "contentChanges") is not JArray { Count: > 0 } changes) return Task.CompletedTask;
        // Only open documents are the client's to change: an edit of a closed one (or one never opened) would bring it back
        // from an empty text, with diagnostics no close would clear.
        if (!_documents.TryGetValue(uri, out var previous)) return Task.CompletedTask;
        string text = previous.Text;
        // The server asks for whole texts (full sync), but a change with a range is applied as one, not taken for the text.
        foreach (var change in changes.OfType<JObject>())
        {
            string replacement = change["text"]?.Type == JTokenType.String ? change.Value<string>("text")! : "";
            if (change["range"] is not JObject range) { text = replacement; continue; }
            var lines = new TextLines(text);
            int start = lines.OffsetOf(PositionOf(range, "start")), end = Math.Max(start, lines.OffsetOf(PositionOf(range, "end")));
            text = text[..start] + replacement + text[end..];
        }
        int? version = Integer(identifier, "version", required: false);
        var document = previous.Change(version, text);
        _documents[uri] = document;
        return _publish(DiagnosticsConverter.For(document));
    }

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public Task DidClose(JToken parameters)
    {
        if (!_initialized) return Task.CompletedTask;
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
        var options = Member(parameters, "options") as JObject;
        int tabSize = options is null ? 2 : Integer(options, "tabSize", required: false) ?? 2;
        bool insertSpaces = options?["insertSpaces"] is not { Type: JTokenType.Boolean } spaces || spaces.Value<bool>();
        return DocumentFormatter.Format(document, Math.Clamp(tabSize, 1, 16), insertSpaces);
    }

    /// <summary>The request's document; refuses requests before `initialize` (-32002) and after `shutdown` (-32600), as LSP says.</summary>
    private MsdDocumentState? Document(JToken parameters)
    {
        if (!_initialized) throw new LocalRpcException("The server is not initialized: send initialize first") { ErrorCode = -32002 };
        if (ShutdownRequested) throw new LocalRpcException("The server is shutting down: only exit is answered") { ErrorCode = -32600 };
        return _documents.TryGetValue(Uri(TextDocument(parameters)), out var document) ? document : null;
    }

    private static JToken TextDocument(JToken parameters) =>
        Member(parameters, "textDocument") as JObject ?? throw InvalidParams("textDocument is missing or not an object");

    private static string Uri(JToken identifier) =>
        identifier["uri"] is { Type: JTokenType.String } uri ? uri.Value<string>()! : throw InvalidParams("textDocument.uri is missing or not a string");

    private static Position PositionOf(JToken parameters, string name = "position")
    {
        if (Member(parameters, name) is not JObject position) throw InvalidParams($"{name} is missing or not an object");
        return new Position(Integer(position, "line", required: true)!.Value, Integer(position, "character", required: true)!.Value);
    }

    /// <summary>An integer member of <paramref name="parent"/> (LSP's uinteger and integer fit in an int); invalid params otherwise.</summary>
    private static int? Integer(JToken parent, string name, bool required)
    {
        var token = parent[name];
        if (token is null || token.Type == JTokenType.Null)
            return required ? throw InvalidParams($"{name} is missing") : null;
        if (token is JValue { Value: long value } && value is >= int.MinValue and <= int.MaxValue) return (int)value;
        // JSON has one number type: 1.0 is the integer 1 to a client written in JavaScript.
        if (token is JValue { Value: double real } && real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue) return (int)real;
        throw InvalidParams($"{name} must be a whole number of at most {int.MaxValue}, not {token.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    /// <summary>A member of the params object; null when params is not an object (an array, a number), which Newtonsoft's indexer would throw on.</summary>
    private static JToken? Member(JToken parameters, string name) => parameters is JObject o ? o[name] : null;

    private static LocalRpcException InvalidParams(string message) => new(message) { ErrorCode = -32602 };
}
