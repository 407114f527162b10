using System.Runtime.ExceptionServices;

namespace Ingest.Reading;

/// <summary>
/// One piece of work at a time run on a thread of its own while the caller does its own (for a large file: hash the
/// chunk and read the next one while the caller computes the metrics of this one).
/// </summary>
/// <remarks>
/// A dedicated thread, not the pool: on the pool, one chunk in six waited for a pool thread to pick its work up and ran
/// inline (serially) instead, and every hand-off queued a work item. The thread is not a pool thread, so a caller
/// blocking a pool thread never waits on work queued behind itself. Started on the first <see cref="Start"/>, ended by
/// <see cref="Dispose"/>; used only for files above <see cref="FileAnalyzer.ParallelHashThreshold"/>.
/// </remarks>
internal sealed class SideJob : IDisposable
{
    private readonly SemaphoreSlim _go = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private Thread? _thread;
    private Action? _work;
    private ExceptionDispatchInfo? _error;
    private bool _started;
    private volatile bool _exit;

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
        if (_thread is null)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "Ingest side job" };
            _thread.Start();
        }

        _go.Release(); // publishes the fields above to the thread
    }

    /// <summary>Waits for the work and rethrows what it threw.</summary>
    public void Join()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        _done.Wait();
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

    private void Loop()
    {
        while (true)
        {
            _go.Wait();
            if (_exit)
            {
                return;
            }

            try
            {
                _work!();
            }
            catch (Exception ex)
            {
                _error = ExceptionDispatchInfo.Capture(ex);
            }

            _done.Set();
        }
    }

    /// <summary>Ends the thread; call after <see cref="Join"/>.</summary>
    public void Dispose()
    {
        if (_thread is not null)
        {
            _exit = true;
            _go.Release();
            _thread.Join();
        }

        _go.Dispose();
        _done.Dispose();
    }
}
