using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace Ingest.Reading;

/// <summary>
/// One chunk's byte hash plus the read of the next chunk, run on a pool thread while the caller decodes the chunk.
/// Whoever claims the job first runs it: <see cref="Join"/> runs it inline when no pool thread has started it,
/// so a caller blocking a pool thread can never wait on work queued behind itself (no starvation on a busy pool).
/// </summary>
internal sealed class HashAndReadJob(IncrementalHash hash, Stream stream) : IThreadPoolWorkItem, IDisposable
{
    private const int Pending = 0;
    private const int Claimed = 1;

    private readonly ManualResetEventSlim _done = new(false);
    private byte[] _chunk = [];
    private int _length;
    private byte[]? _next;
    private int _nextLength;
    private ExceptionDispatchInfo? _error;
    private int _state = Claimed;
    private bool _started;

    /// <summary>Hashes <paramref name="chunk"/>[..<paramref name="length"/>], then fills <paramref name="next"/> from the stream (unless null).</summary>
    public void Start(byte[] chunk, int length, byte[]? next)
    {
        _chunk = chunk;
        _length = length;
        _next = next;
        _nextLength = 0;
        _error = null;
        _done.Reset();
        _started = true;
        Volatile.Write(ref _state, Pending); // publishes the fields above to whichever thread claims the job
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Waits for the job (or runs it here) and returns the length read into the next buffer.</summary>
    public int Join()
    {
        if (!_started)
        {
            return 0;
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

        _error?.Throw();
        return _nextLength;
    }

    /// <summary>Like <see cref="Join"/> on a path that is already failing: errors of the job are dropped.</summary>
    public int JoinQuietly()
    {
        try
        {
            return Join();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return 0;
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        // A stale queue entry (the caller already ran the job inline) finds the job claimed and leaves.
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
            hash.AppendData(_chunk, 0, _length);
            if (_next is not null)
            {
                _nextLength = FileAnalyzer.ReadFull(stream, _next);
            }
        }
        catch (Exception ex)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
        }
    }

    public void Dispose() => _done.Dispose();
}
