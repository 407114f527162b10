using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ingest.Configuration;
using Ingest.Pipeline;

namespace Ingest.Worker.Service;

/// <summary>
/// What the service knows about each source: counters and gauges (through the <c>Ingest</c> meter, so dotnet-counters
/// sees them, and as a snapshot for <c>/metrics</c>) and the last problem with its drop folder (for <c>/health</c>).
/// </summary>
internal sealed class SourceMonitor : IDisposable
{
    public const string MeterName = "Ingest";

    private readonly ConcurrentDictionary<string, SourceState> _states = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly Counter<long> _files;
    private readonly Counter<long> _bytes;
    private readonly TimeProvider _time;

    public SourceMonitor(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _meter = meters.Create(MeterName);
        _files = _meter.CreateCounter<long>("ingest.files", "{file}", "Files processed, by source and status (new, duplicate, failed).");
        _bytes = _meter.CreateCounter<long>("ingest.bytes", "By", "Bytes of the files ingested, by source.");
        _meter.CreateObservableGauge("ingest.scan.duration", () => Gauge(s => s.LastScanSeconds), "s", "Duration of the last scan, by source.");
        _meter.CreateObservableGauge("ingest.last_scan_success.timestamp", () => Gauge(s => s.LastSuccessUnixSeconds), "s", "Unix time of the last successful scan, by source.");
        _meter.CreateObservableGauge("ingest.backlog.files", () => Gauge(s => s.Backlog), "{file}", "Ready files not yet processed, by source.");
    }

    public IReadOnlyCollection<SourceState> States => _states.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    public SourceState this[string source] => _states.GetOrAdd(source, n => new SourceState(n));

    public void Register(IngestSource source) => _ = this[source.Name];

    /// <summary>Observes one scan: counts what each committed batch did.</summary>
    public IProgress<ScanSummary> BeginScan(string source) => new ScanObserver(this, this[source]);

    public void ScanSucceeded(string source, ScanSummary summary)
    {
        var s = this[source];
        lock (s)
        {
            s.LastScanSeconds = summary.Elapsed.TotalSeconds;
            s.LastSuccessUnixSeconds = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            s.Backlog = summary.Backlog;
            s.PendingDisposals = summary.DisposalErrors;
            s.Problem = null;
        }
    }

    /// <summary>Records why the source could not be scanned; returns true when this is a new problem (log it once).</summary>
    public bool ScanFailed(string source, string problem)
    {
        var s = this[source];
        lock (s)
        {
            var isNew = s.Problem != problem;
            s.Problem = problem;
            return isNew;
        }
    }

    /// <summary>Clears the problem; returns true when there was one (log the recovery once).</summary>
    public bool Recovered(string source)
    {
        var s = this[source];
        lock (s)
        {
            var had = s.Problem is not null;
            s.Problem = null;
            return had;
        }
    }

    private IEnumerable<Measurement<double>> Gauge(Func<SourceState, double> value) =>
        States.Select(s => new Measurement<double>(value(s), new KeyValuePair<string, object?>("source", s.Name)));

    public void Dispose() => _meter.Dispose();

    private sealed class ScanObserver(SourceMonitor monitor, SourceState state) : IProgress<ScanSummary>
    {
        private int _new;
        private int _duplicates;
        private int _failed;
        private long _bytes;

        public void Report(ScanSummary value)
        {
            var source = new KeyValuePair<string, object?>("source", state.Name);
            Add("new", value.New - _new);
            Add("duplicate", value.Duplicates - _duplicates);
            Add("failed", value.Failed - _failed);
            var bytes = value.Bytes - _bytes;
            if (bytes > 0)
            {
                monitor._bytes.Add(bytes, source);
            }

            lock (state)
            {
                state.FilesNew += value.New - _new;
                state.FilesDuplicate += value.Duplicates - _duplicates;
                state.FilesFailed += value.Failed - _failed;
                state.Bytes += bytes;
                state.Backlog = value.Backlog;
            }

            (_new, _duplicates, _failed, _bytes) = (value.New, value.Duplicates, value.Failed, value.Bytes);

            void Add(string status, int delta)
            {
                if (delta > 0)
                {
                    monitor._files.Add(delta, source, new KeyValuePair<string, object?>("status", status));
                }
            }
        }
    }
}

/// <summary>The state of one source; guarded by locking the instance.</summary>
internal sealed class SourceState(string name)
{
    public string Name { get; } = name;
    public long FilesNew { get; set; }
    public long FilesDuplicate { get; set; }
    public long FilesFailed { get; set; }
    public long Bytes { get; set; }
    public double LastScanSeconds { get; set; }
    public double LastSuccessUnixSeconds { get; set; }
    public int Backlog { get; set; }

    /// <summary>Files recorded but not yet moved or deleted after the last scan (they stay in the drop folder).</summary>
    public int PendingDisposals { get; set; }

    /// <summary>Why the last attempt to serve this source failed, or null.</summary>
    public string? Problem { get; set; }
}
