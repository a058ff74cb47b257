using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace DiffusionDsl.Cli.Tests.Lsp;

/// <summary>
/// `msd lsp` fed what a broken or hostile client sends, byte for byte: it answers as JSON-RPC and LSP say and goes on
/// serving, since its end would take every open editor's diagnostics with it.
/// </summary>
public class ProtocolRobustnessTests
{
    [Fact]
    public async Task AMessageThatIsNotJsonRpcIsAnsweredWithAnErrorAndTheServerGoesOn()
    {
        await using var server = RawServer.Start();
        await server.SendAsync(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { capabilities = new { } } });
        Assert.NotNull((await server.ReadAsync())["result"]);

        foreach (var (body, code) in new[] { ("{bad json}", -32700), ("[1,2]", -32600), ("{}", -32600), ("{\"jsonrpc\":\"2.0\"", -32700), ("{" + new string('x', 300_000) + "}", -32700) })
        {
            await server.SendRawAsync(body);
            var error = await server.ReadAsync();
            Assert.Equal(JTokenType.Null, error["id"]!.Type);
            Assert.Equal(code, error["error"]!.Value<int>("code"));
        }

        // Still serving: a document opens and a request is answered.
        await server.SendAsync(new { jsonrpc = "2.0", method = "textDocument/didOpen", @params = new { textDocument = new { uri = "file:///a.msd", version = 1, text = File.ReadAllText(Models.Tiny) } } });
        Assert.Equal("textDocument/publishDiagnostics", (await server.ReadAsync()).Value<string>("method"));
        await server.SendAsync(new { jsonrpc = "2.0", id = 2, method = "textDocument/hover", @params = new { textDocument = new { uri = "file:///a.msd" }, position = new { line = 1, character = 2 } } });
        Assert.Equal(2, (await server.ReadAsync()).Value<int>("id"));
        Assert.Equal(0, await server.ShutdownAsync(id: 3));
    }

    [Fact]
    public async Task RequestsBeforeInitializeAndAfterShutdownAreRefusedAsLspSays()
    {
        await using var server = RawServer.Start();
        var hover = new { textDocument = new { uri = "file:///a.msd" }, position = new { line = 0, character = 0 } };
        await server.SendAsync(new { jsonrpc = "2.0", id = 1, method = "textDocument/hover", @params = hover });
        Assert.Equal(-32002, (await server.ReadAsync())["error"]!.Value<int>("code"));

        await server.SendAsync(new { jsonrpc = "2.0", id = 2, method = "initialize", @params = new { capabilities = new { } } });
        Assert.NotNull((await server.ReadAsync())["result"]);
        await server.SendAsync(new { jsonrpc = "2.0", id = 3, method = "shutdown" });
        await server.ReadAsync();
        await server.SendAsync(new { jsonrpc = "2.0", id = 4, method = "textDocument/hover", @params = hover });
        Assert.Equal(-32600, (await server.ReadAsync())["error"]!.Value<int>("code"));
    }

    [Fact]
    public async Task ParametersOfTheWrongTypeAreInvalidParamsWithoutAStackTrace()
    {
        await using var server = RawServer.Start();
        await server.SendAsync(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { capabilities = new { } } });
        await server.ReadAsync();
        await server.SendAsync(new { jsonrpc = "2.0", method = "textDocument/didOpen", @params = new { textDocument = new { uri = "file:///a.msd", version = 1, text = "model A {}" } } });
        await server.ReadAsync();

        object[] positions = { new { line = "a", character = 0 }, new { line = 0, character = 1L << 40 }, new { line = 0 } };
        int id = 2;
        foreach (var position in positions)
        {
            await server.SendAsync(new { jsonrpc = "2.0", id = id++, method = "textDocument/hover", @params = new { textDocument = new { uri = "file:///a.msd" }, position } });
            var error = (await server.ReadAsync())["error"]!;
            Assert.Equal(-32602, error.Value<int>("code"));
            Assert.DoesNotContain("StackTrace", error.ToString());
            Assert.DoesNotContain("   at ", error.ToString());
        }
        await server.SendAsync(new { jsonrpc = "2.0", id = id++, method = "textDocument/formatting", @params = new { textDocument = new { uri = "file:///a.msd" }, options = new { tabSize = "x", insertSpaces = true } } });
        Assert.Equal(-32602, (await server.ReadAsync())["error"]!.Value<int>("code"));
        // Params that are no object at all.
        await server.SendAsync(new { jsonrpc = "2.0", id = id++, method = "textDocument/hover", @params = new[] { 1 } });
        var notAnObject = (await server.ReadAsync())["error"]!;
        Assert.Equal(-32602, notAnObject.Value<int>("code"));
        Assert.DoesNotContain("StackTrace", notAnObject.ToString());
    }

    [Fact]
    public async Task ABodyNestedDeeperThanAnyLspMessageIsAParseErrorNotAStackOverflow()
    {
        await using var server = RawServer.Start();
        await server.SendAsync(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { capabilities = new { } } });
        await server.ReadAsync();
        // 20,000 levels overflowed the stack while Json.NET built (and cloned) the tree: the process died with SIGABRT.
        const int depth = 20_000;
        await server.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/hover\",\"params\":{\"x\":" +
                                  new string('[', depth) + new string(']', depth) + "}}");
        var error = await server.ReadAsync();
        Assert.Equal(-32700, error["error"]!.Value<int>("code"));
        Assert.Equal(0, await server.ShutdownAsync(id: 3));
    }

    [Fact]
    public async Task OnlyOpenDocumentsChangeAndOddButValidOpensAreKept()
    {
        await using var server = RawServer.Start();
        await server.SendAsync(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { capabilities = new { } } });
        await server.ReadAsync();
        string text = File.ReadAllText(Models.Tiny);

        // A version written 1.0 (JSON has one number type) and a URI whose path the file system refuses (%00) still open.
        await server.SendRawAsync("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///tmp/a%00b.msd\"," +
                                  "\"version\":1.0,\"text\":" + Newtonsoft.Json.JsonConvert.ToString(text) + "}}}");
        var opened = await server.ReadAsync();
        Assert.Equal("textDocument/publishDiagnostics", opened.Value<string>("method"));
        Assert.Equal(1, opened["params"]!.Value<int>("version"));

        // Closed, then changed: the change is not the client's to make, and nothing is published for it.
        await server.SendAsync(new { jsonrpc = "2.0", method = "textDocument/didClose", @params = new { textDocument = new { uri = "file:///tmp/a%00b.msd" } } });
        Assert.Empty((await server.ReadAsync())["params"]!["diagnostics"]!);
        await server.SendAsync(new
        {
            jsonrpc = "2.0", method = "textDocument/didChange", @params = new
            {
                textDocument = new { uri = "file:///tmp/a%00b.msd", version = 5 },
                contentChanges = new[] { new { range = new { start = new { line = 0, character = 0 }, end = new { line = 0, character = 0 } }, text = "x" } },
            },
        });
        await server.SendAsync(new { jsonrpc = "2.0", id = 2, method = "textDocument/hover", @params = new { textDocument = new { uri = "file:///tmp/a%00b.msd" }, position = new { line = 0, character = 0 } } });
        var next = await server.ReadAsync();
        Assert.Equal(2, next.Value<int>("id"));
        Assert.False(next.ContainsKey("result") && next["result"]!.Type != JTokenType.Null, next.ToString());
        Assert.Equal(0, await server.ShutdownAsync(id: 3));
    }

    [Fact]
    public async Task AWholeSessionWrittenAtOnceAndClosedIsAnsweredInFull()
    {
        // As `msd lsp < session` runs one: every message is in before the first answer, and the input ends behind `exit`.
        // StreamJsonRpc ended the connection at the end of the input, and the answers still to write went with it.
        await using var server = RawServer.Start();
        await server.SendAsync(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { capabilities = new { } } });
        await server.SendAsync(new { jsonrpc = "2.0", method = "initialized", @params = new { } });
        await server.SendAsync(new { jsonrpc = "2.0", method = "textDocument/didOpen", @params = new { textDocument = new { uri = "file:///a.msd", version = 1, text = File.ReadAllText(Models.Tiny) } } });
        await server.SendAsync(new { jsonrpc = "2.0", id = 2, method = "textDocument/hover", @params = new { textDocument = new { uri = "file:///a.msd" }, position = new { line = 1, character = 2 } } });
        await server.SendAsync(new { jsonrpc = "2.0", id = 3, method = "shutdown" });
        await server.SendAsync(new { jsonrpc = "2.0", method = "exit" });
        server.CloseInput();

        var answered = new System.Collections.Generic.List<string>();
        for (int i = 0; i < 4; i++)
        {
            var message = await server.ReadAsync();
            answered.Add(message.Value<string>("method") ?? $"answer {message.Value<int>("id")}");
        }
        // Each answer is written when its handler is done, so an answer and the next handler's notification may pass.
        Assert.Equal(new[] { "answer 1", "answer 2", "answer 3", "textDocument/publishDiagnostics" }, System.Linq.Enumerable.Order(answered, StringComparer.Ordinal));
        Assert.Equal(0, await server.ExitCodeAsync());
    }

    /// <summary>
    /// Header names are case-insensitive, as in HTTP, whose header part LSP takes: a client writing "content-length" (and
    /// "content-type") is served, where StreamJsonRpc's framing ended the connection. A body holding header-like text is
    /// left alone.
    /// </summary>
    [Fact]
    public async Task HeaderNamesInAnyCaseAreRead()
    {
        await using var server = RawServer.Start();
        await server.SendRawAsync(JObject.FromObject(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { capabilities = new { } } }).ToString(Newtonsoft.Json.Formatting.None),
                                  headerName: "content-length", extraHeaders: "CONTENT-TYPE: application/vscode-jsonrpc; charset=utf-8\r\n");
        Assert.NotNull((await server.ReadAsync())["result"]);
        await server.SendRawAsync(JObject.FromObject(new { jsonrpc = "2.0", id = 2, method = "textDocument/hover",
                                                           @params = new { textDocument = new { uri = "file:///content-length:.msd" }, position = new { line = 0, character = 0 } } })
                                      .ToString(Newtonsoft.Json.Formatting.None), headerName: "Content-length");
        Assert.Equal(2, (await server.ReadAsync()).Value<int>("id"));
        // A header line longer than the stream gathers (1,024 bytes, and 1,023 and 1,025), after the length, passes on
        // whole: its end is not taken for the blank line that ends the headers.
        foreach (var (id, padding) in new[] { (3, 1024), (4, 1023), (5, 1025) })
        {
            await server.SendRawAsync(JObject.FromObject(new { jsonrpc = "2.0", id, method = "textDocument/hover",
                                                               @params = new { textDocument = new { uri = "file:///a.msd" }, position = new { line = 0, character = 0 } } })
                                          .ToString(Newtonsoft.Json.Formatting.None),
                                      headerName: "content-length", laterHeaders: "X-Padding: " + new string('a', padding - "X-Padding: ".Length) + "\r\n");
            Assert.Equal(id, (await server.ReadAsync()).Value<int>("id"));
        }
        Assert.Equal(0, await server.ShutdownAsync(6));
    }

    /// <summary>`msd lsp` over its standard streams, with LSP's framing written and read by hand.</summary>
    private sealed class RawServer : IAsyncDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        private readonly Process _process;
        private readonly Stream _input, _output;

        private RawServer(Process process)
        {
            _process = process;
            _input = process.StandardInput.BaseStream;
            _output = process.StandardOutput.BaseStream;
        }

        public static RawServer Start() => new(Process.Start(new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "msd.dll")}\" lsp")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!);

        public Task SendAsync(object message) => SendRawAsync(JObject.FromObject(message).ToString(Newtonsoft.Json.Formatting.None));

        public async Task SendRawAsync(string body, string headerName = "Content-Length", string extraHeaders = "", string laterHeaders = "")
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            var header = Encoding.ASCII.GetBytes($"{extraHeaders}{headerName}: {bytes.Length}\r\n{laterHeaders}\r\n");
            await _input.WriteAsync(header);
            await _input.WriteAsync(bytes);
            await _input.FlushAsync();
        }

        public async Task<JObject> ReadAsync()
        {
            using var cancel = new CancellationTokenSource(Timeout);
            var header = new StringBuilder();
            var one = new byte[1];
            while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await _output.ReadAsync(one, cancel.Token) == 0) throw new EndOfStreamException($"the server ended (exit code {(_process.HasExited ? _process.ExitCode : -1)})");
                header.Append((char)one[0]);
            }
            int length = int.Parse(header.ToString().Split("\r\n")[0].Split(':')[1].Trim());
            var body = new byte[length];
            await _output.ReadExactlyAsync(body, cancel.Token);
            return JObject.Parse(Encoding.UTF8.GetString(body));
        }

        public async Task<int> ShutdownAsync(int id)
        {
            await SendAsync(new { jsonrpc = "2.0", id, method = "shutdown" });
            await ReadAsync();
            await SendAsync(new { jsonrpc = "2.0", method = "exit" });
            return await ExitCodeAsync();
        }

        public void CloseInput() => _input.Close();

        public async Task<int> ExitCodeAsync()
        {
            using var cancel = new CancellationTokenSource(Timeout);
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
