using System.Runtime.ExceptionServices;

namespace Ingest.Reading;

/// <summary>
/// One piece of work run on a pool thread while the caller does its own (for a large file: hash the chunk, read and
/// decode the next one while the caller computes the metrics of this one). Whoever claims the work first runs it:
/// <see cref="Join"/> runs it inline when no pool thread has started it, so a caller blocking a pool thread can never
/// wait on work queued behind itself (no starvation when every pool thread is analyzing a file).
/// </summary>
internal sealed class SideJob : IThreadPoolWorkItem, IDisposable
{
    private const int Pending = 0;
    private const int Claimed = 1;

    private readonly ManualResetEventSlim _done = new(false);
    private Action? _work;
    private ExceptionDispatchInfo? _error;
    private int _state = Claimed;
    private bool _started;

    public void Start(Action work)
    {
        if (_started)
        {
            throw new InvalidOperationException("The previous work was not joined.");
        }

        _work = work;
        _error = null;
        _done.Reset();
        _started = true;
        Volatile.Write(ref _state, Pending); // publishes the fields above to whichever thread claims the work
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Waits for the work (or runs it here) and rethrows what it threw.</summary>
    public void Join()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        if (Interlocked.CompareExchange(ref _state, Claimed, Pending) == Pending)
        {
            Run();
        }
        else
        {
            _done.Wait();
        }

        _work = null;
        _error?.Throw();
    }

    /// <summary>Like <see cref="Join"/> on a path that is already failing or ending: errors of the work are dropped.</summary>
    public void JoinQuietly()
    {
        try
        {
            Join();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or OperationCanceledException)
        {
            // the caller is already leaving with its own outcome
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        // A stale queue entry (the caller already ran the work inline) finds it claimed and leaves.
        if (Interlocked.CompareExchange(ref _state, Claimed, Pending) == Pending)
        {
            Run();
            _done.Set();
        }
    }

    private void Run()
    {
        try
        {
            _work!();
        }
        catch (Exception ex)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
        }
    }

    public void Dispose() => _done.Dispose();
}
