using System.Globalization;
using Ingest.Pipeline;

namespace Ingest.Worker.Output;

/// <summary>
/// Progress of <c>ingest scan</c> on an interactive terminal: files done of ready, MB/s and ETA on one stderr line,
/// redrawn a few times a second. Does nothing when stderr is redirected.
/// </summary>
internal sealed class ScanProgress : IProgress<ScanSummary>, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly TimeProvider _time;
    private readonly TextWriter _out;
    private readonly long _started;
    private readonly ITimer _timer;
    private readonly object _gate = new();
    private ScanSummary? _current;
    private string _source = string.Empty;
    private int _lastWidth;

    private ScanProgress(TimeProvider time, TextWriter output)
    {
        _time = time;
        _out = output;
        _started = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Draw(), null, Interval, Interval);
    }

    /// <summary>A reporter for an interactive terminal, or null when stderr is redirected.</summary>
    public static ScanProgress? ForConsole(TimeProvider time) => Console.IsErrorRedirected ? null : new ScanProgress(time, Console.Error);

    public void Begin(string source)
    {
        lock (_gate)
        {
            _source = source;
        }
    }

    public void Report(ScanSummary value)
    {
        lock (_gate)
        {
            // The final report of a source (Elapsed set) comes just before its "finished" log line: leave the line clean.
            _current = value.Elapsed > TimeSpan.Zero ? null : value;
            if (_current is null)
            {
                Clear();
            }
        }
    }

    internal static string Format(string source, int done, int ready, long bytes, TimeSpan elapsed)
    {
        var inv = CultureInfo.InvariantCulture;
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var mbPerSecond = bytes / 1048576.0 / seconds;
        var eta = "--:--";
        if (done > 0 && ready > done)
        {
            var remaining = TimeSpan.FromSeconds(seconds / done * (ready - done));
            eta = remaining.TotalHours >= 1 ? remaining.ToString(@"h\:mm\:ss", inv) : remaining.ToString(@"mm\:ss", inv);
        }
        else if (ready > 0 && done >= ready)
        {
            eta = "00:00";
        }

        return $"{source}: {done.ToString(inv)}/{ready.ToString(inv)} files, {(bytes / 1048576.0).ToString("0.0", inv)} MB, {mbPerSecond.ToString("0.0", inv)} MB/s, ETA {eta}";
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_current is not { } s)
            {
                return;
            }

            var line = Format(_source, s.New + s.Duplicates + s.Failed + s.Skipped, s.Ready, s.Bytes, _time.GetElapsedTime(_started));
            _out.Write("\r" + line.PadRight(_lastWidth));
            _lastWidth = line.Length;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            Clear();
        }
    }

    private void Clear()
    {
        if (_lastWidth > 0)
        {
            _out.Write("\r" + new string(' ', _lastWidth) + "\r");
            _lastWidth = 0;
        }
    }
}
