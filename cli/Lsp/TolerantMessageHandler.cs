using System;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// LSP's Content-Length framing, surviving a message whose body is not a JSON-RPC message. StreamJsonRpc drops the
/// connection on one, which ends the server and with it every open editor's diagnostics; JSON-RPC says to answer with
/// a parse error (-32700) or an invalid request (-32600) and go on. The framing holds: the bad body has been read whole
/// before it fails to deserialize, so the next message starts where it should. A bad header still ends the connection,
/// since then nothing says where the next message starts.
/// At the end of the input, the messages read before it are answered first: StreamJsonRpc ends the connection there,
/// and with it every answer not yet written (a client that writes its whole session and closes its end, as
/// `msd lsp &lt; session` does, got none of them).
/// </summary>
internal sealed class TolerantMessageHandler : HeaderDelimitedMessageHandler
{
    // The writer flushes each message through to the stream, so an answer flushed is an answer the client can read.
    public TolerantMessageHandler(Stream sending, Stream receiving, IJsonRpcMessageFormatter formatter)
        : base(PipeWriter.Create(sending), PipeReader.Create(receiving), formatter) { }

    /// <summary>Bad bodies in a row after which the connection ends after all: each is read whole, but a stream that keeps failing is not a client.</summary>
    private const int MaxBadMessagesInARow = 100;

    /// <summary>How long the end of the input waits for the answers of the requests before it.</summary>
    private static readonly TimeSpan AnswersDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Completes when no handler runs (JsonRpc.DispatchCompletion): their notifications are written by then.</summary>
    public Func<Task>? HandlersFinished { get; set; }

    private long _requestsRead, _answersWritten, _answersFlushed;
    private TaskCompletionSource _answerFlushed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        for (int bad = 0; ; bad++)
        {
            try
            {
                var message = await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
                if (message is JsonRpcRequest { IsResponseExpected: true } request && IsAnswerable(request.RequestId)) Interlocked.Increment(ref _requestsRead);
                if (message is null) await AnsweredAsync(cancellationToken).ConfigureAwait(false);
                return message;
            }
            // The input ends inside a message, or at a header nothing can be framed after: the connection ends there too,
            // after the answers to what came before.
            catch (Exception e) when (e is EndOfStreamException or BadRpcHeaderException && !cancellationToken.IsCancellationRequested)
            {
                await AnsweredAsync(cancellationToken).ConfigureAwait(false);
                throw;
            }
            // A body that is JSON but no message (an array, an object without "method", "result" or "error") fails with
            // whatever Newtonsoft's JToken accessors throw; reading and framing fail with the types left out here.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && bad < MaxBadMessagesInARow
                                      && e is not (OperationCanceledException or ObjectDisposedException or IOException or BadRpcHeaderException))
            {
                var code = e is Newtonsoft.Json.JsonReaderException ? JsonRpcErrorCode.ParseError : JsonRpcErrorCode.InvalidRequest;
                string what = code == JsonRpcErrorCode.ParseError ? "is not JSON" : "is not a JSON-RPC request, response or notification";
                await WriteAsync(new JsonRpcError
                {
                    RequestId = RequestId.Null,
                    Error = new JsonRpcError.ErrorDetail { Code = code, Message = $"The message {what} ({e.Message}); it was ignored." },
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        base.Write(content, cancellationToken);
        if (content is JsonRpcResult result && IsAnswerable(result.RequestId) || content is JsonRpcError error && IsAnswerable(error.RequestId))
            Interlocked.Increment(ref _answersWritten);
    }

    protected override async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await base.FlushAsync(cancellationToken).ConfigureAwait(false);
        // Writes and their flushes run one message at a time, so what was written is flushed now.
        Interlocked.Exchange(ref _answersFlushed, Interlocked.Read(ref _answersWritten));
        Interlocked.Exchange(ref _answerFlushed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Requests and answers are counted by id: a request with a null id (not JSON-RPC's, but StreamJsonRpc answers it)
    /// has an answer no different from the null-id errors this handler writes for bad bodies, so neither counts.
    /// </summary>
    private static bool IsAnswerable(RequestId id) => !id.IsNull && !id.IsEmpty;

    /// <summary>
    /// Completes when every request read so far is answered and every handler has finished (at most
    /// <see cref="AnswersDeadline"/> later): before the end of the input ends the connection, and before `exit` ends the
    /// process.
    /// </summary>
    public async Task AnsweredAsync(CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AnswersDeadline);
        try
        {
            if (HandlersFinished is { } handlers) await handlers().WaitAsync(deadline.Token).ConfigureAwait(false);
            while (true)
            {
                var next = Volatile.Read(ref _answerFlushed).Task;
                if (Interlocked.Read(ref _answersFlushed) >= Interlocked.Read(ref _requestsRead)) return;
                await next.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // An answer that never came (a handler that hangs) must not keep the server from ending.
        }
    }
}
