using System;
using System.IO;
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
/// </summary>
internal sealed class TolerantMessageHandler : HeaderDelimitedMessageHandler
{
    public TolerantMessageHandler(Stream sending, Stream receiving, IJsonRpcMessageFormatter formatter) : base(sending, receiving, formatter) { }

    /// <summary>Bad bodies in a row after which the connection ends after all: each is read whole, but a stream that keeps failing is not a client.</summary>
    private const int MaxBadMessagesInARow = 100;

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        for (int bad = 0; ; bad++)
        {
            try
            {
                return await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
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
}
