using System.Collections.Concurrent;
using System.Threading;

namespace DiffusionDsl.Cli.Lsp;

/// <summary>
/// Runs posted work on one thread in the order it was posted. StreamJsonRpc invokes methods on the thread pool by
/// default, where a hover could run before the change that preceded it; with this context it sees the changed text.
/// </summary>
internal sealed class OrderedSynchronizationContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

    public OrderedSynchronizationContext()
    {
        var thread = new Thread(Pump) { IsBackground = true, Name = "msd lsp" };
        thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        using var done = new ManualResetEventSlim();
        Post(s => { try { d(s); } finally { done.Set(); } }, state);
        done.Wait();
    }

    public override SynchronizationContext CreateCopy() => this;

    private void Pump()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
    }
}
