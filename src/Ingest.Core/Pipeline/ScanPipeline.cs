using System.Collections.Concurrent;
using System.Threading.Channels;
using Ingest.Catalog;
using Ingest.Configuration;
using Ingest.Disposal;
using Ingest.Reading;
using Ingest.Scanning;
using Ingest.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Pipeline;

/// <summary>
/// One pass over a drop folder: scan → ready → read/hash/decode → dedupe → record → dispose.
/// Files are read in parallel; one writer records them in batched transactions and only then moves them.
/// </summary>
internal sealed class ScanPipeline(TimeProvider time, ILogger<ScanPipeline> logger, IOptions<SearchOptions>? searchOptions = null)
{
    /// <summary>A batch is also committed once it holds this much text (plain, waiting to be indexed, or else compressed): memory stays bounded.</summary>
    private const long MaxBatchTextBytes = 64L * 1024 * 1024;

    private readonly SearchOptions _search = searchOptions?.Value ?? new SearchOptions();

    private const int MaxBatch = 256;

    /// <summary>How long a batch that is not full waits for more files: bounds the delay of a record, not its size.</summary>
    private static readonly TimeSpan MaxBatchDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The instance lock file in each drop folder; never ingested.</summary>
    public const string LockFileName = ".ingest.lock";

    /// <summary>ReadyCheck Stable: size and last write of each file at the previous scan, per source.</summary>
    private readonly ConcurrentDictionary<string, Dictionary<string, (long Size, long Ticks)>> _lastSeen = new(StringComparer.Ordinal);

    public async Task<ScanSummary> RunAsync(IngestSource source, ICatalog catalog, int maxParallelism, CancellationToken ct, IProgress<ScanSummary>? progress = null)
    {
        var started = time.GetTimestamp();
        var summary = new ScanSummary();
        progress?.Report(summary);
        Log.ScanStarted(logger, source.Name, source.DropFolder);
        EnsureFolders(source);

        var inPlace = await catalog.LoadInPlaceIdentitiesAsync(source.Name, ct);
        summary.Reconciled = await ReconcileAsync(source, catalog, inPlace, summary, ct);
        var backedOff = await catalog.LoadBackedOffPathsAsync(source.Name, ct);
        if (_search.Enabled)
        {
            // Text recorded but not indexed (a crash between the two, or recorded while search was off).
            await catalog.IndexBacklogAsync(ct);
        }

        var ready = SelectReady(source, inPlace, backedOff, summary, ct);
        using var folder = DropFolderHandle.TryOpen(source.DropFolder);

        var results = Channel.CreateBounded<FileAnalysis>(new BoundedChannelOptions(MaxBatch * 2) { SingleReader = true });
        var writer = WriteAsync(source, catalog, results.Reader, summary, progress, ct);

        // If the writer fails (the catalog cannot be written), readers blocked on the full channel must stop too.
        using var readers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = writer.ContinueWith(
            _ =>
            {
                try
                {
                    readers.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The scan already ended.
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
        // The folder is listed ahead on its own: listed under the readers' shared lock, a stat per entry held every
        // reader up while one of them listed the next thousands of entries.
        var candidates = Channel.CreateBounded<ScanCandidate>(new BoundedChannelOptions(ListedAhead) { SingleWriter = true });
        var listing = Task.Run(() => ListAsync(ready, candidates.Writer, readers.Token), CancellationToken.None);
        try
        {
            await Parallel.ForEachAsync(
                candidates.Reader.ReadAllAsync(readers.Token),
                new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = readers.Token },
                async (candidate, token) => await results.Writer.WriteAsync(FileAnalyzer.Analyze(candidate, source.MaxFileSize, token, _search.MaxIndexedBytes, folder, keepPlainText: _search.Enabled), token));
        }
        catch (OperationCanceledException) when (writer.IsFaulted && !ct.IsCancellationRequested)
        {
            // The writer's own exception is the one to report; awaiting it below rethrows it.
        }
        finally
        {
            // No listing outlives the scan: readers that stopped early cancel it through the shared token.
            readers.Cancel();
            await listing;
            results.Writer.TryComplete();
            await writer;
        }

        await MaintainAsync(source, catalog, ct);
        summary.Elapsed = time.GetElapsedTime(started);
        progress?.Report(summary);
        if (summary.New + summary.Duplicates + summary.Failed + summary.Reconciled == 0)
        {
            Log.ScanIdle(logger, source.Name, summary.Elapsed.TotalSeconds);
        }
        else
        {
            Log.ScanFinished(logger, source.Name, summary.New, summary.Duplicates, summary.Failed, summary.Bytes, summary.Elapsed.TotalSeconds);
        }

        return summary;
    }

    /// <summary>How many listed files may wait for a reader: a few batches, so memory stays bounded in a huge folder.</summary>
    private const int ListedAhead = 4 * MaxBatch;

    /// <summary>Lists the ready files into <paramref name="writer"/>; a listing error completes it, so the readers rethrow it.</summary>
    private static async Task ListAsync(IEnumerable<ScanCandidate> ready, ChannelWriter<ScanCandidate> writer, CancellationToken ct)
    {
        try
        {
            foreach (var candidate in ready)
            {
                if (!writer.TryWrite(candidate))
                {
                    await writer.WriteAsync(candidate, ct);
                }
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            // The boundary of the listing task: its error (or cancellation) goes to the readers, who report it.
            writer.TryComplete(ex);
        }
    }

    /// <summary>After the files are recorded and moved, so upkeep never delays a record; its failure fails nothing recorded.</summary>
    private async Task MaintainAsync(IngestSource source, ICatalog catalog, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            if (await catalog.MaintainAsync(ct))
            {
                Log.Maintained(logger, source.Name, time.GetElapsedTime(started).TotalSeconds);
            }
        }
        catch (CatalogException ex)
        {
            Log.MaintenanceFailed(logger, ex, source.Name);
        }
    }

    /// <summary>Reads and dedupes every ready file but records and moves nothing.</summary>
    public async Task<ScanSummary> DryRunAsync(IngestSource source, ICatalog? catalog, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var summary = new ScanSummary();
        if (!Directory.Exists(source.DropFolder))
        {
            throw new DirectoryNotFoundException($"Drop folder '{source.DropFolder}' does not exist.");
        }

        var inPlace = catalog is null ? [] : await catalog.LoadInPlaceIdentitiesAsync(source.Name, ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        using var folder = DropFolderHandle.TryOpen(source.DropFolder);
        foreach (var candidate in SelectReady(source, inPlace, [], summary, ct))
        {
            var a = FileAnalyzer.Analyze(candidate, source.MaxFileSize, ct, folder: folder);
            switch (a.Kind)
            {
                case AnalysisKind.Document:
                    var known = !seen.Add(a.Facts!.Sha256) || (catalog is not null && await catalog.ContainsDocumentAsync(a.Facts.Sha256, ct));
                    var disposal = Plan(source, a.Candidate.RelativePath, known ? OccurrenceStatus.Duplicate : OccurrenceStatus.New, a.Kind, reserved);
                    summary.Planned.Add(new PlannedAction(a.Candidate.RelativePath, known ? "duplicate" : "new", null, a.Facts.Sha256, disposal.Destination));
                    if (known)
                    {
                        summary.Duplicates++;
                    }
                    else
                    {
                        summary.New++;
                    }

                    summary.Bytes += a.Facts.SizeBytes;
                    break;
                case AnalysisKind.Skipped:
                    summary.Skipped++;
                    summary.Planned.Add(new PlannedAction(a.Candidate.RelativePath, "skip", a.Reason, null, null));
                    break;
                default:
                    summary.Failed++;
                    summary.Planned.Add(new PlannedAction(a.Candidate.RelativePath, "fail", a.Reason, null, Plan(source, a.Candidate.RelativePath, null, a.Kind, reserved).Destination));
                    break;
            }
        }

        summary.Elapsed = time.GetElapsedTime(started);
        return summary;
    }

    private void EnsureFolders(IngestSource source)
    {
        if (!Directory.Exists(source.DropFolder))
        {
            if (!source.CreateDropFolder)
            {
                throw new DirectoryNotFoundException($"Drop folder '{source.DropFolder}' does not exist (set Ingest:CreateDropFolder to create it).");
            }

            Directory.CreateDirectory(source.DropFolder);
            Log.CreatedDropFolder(logger, source.DropFolder);
        }

        Directory.CreateDirectory(source.ProcessedFolder);
        Directory.CreateDirectory(source.DuplicatesFolder);
        Directory.CreateDirectory(source.FailedFolder);
    }

    /// <summary>Step 2: drops files already recorded in place and files written too recently to be complete.</summary>
    private IEnumerable<ScanCandidate> SelectReady(
        IngestSource source, HashSet<FileIdentity> inPlace, HashSet<string> backedOff, ScanSummary summary, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var previous = source.ReadyCheck == ReadyCheck.Stable ? _lastSeen.GetValueOrDefault(source.Name) : null;
        var seen = source.ReadyCheck == ReadyCheck.Stable ? new Dictionary<string, (long, long)>(StringComparer.Ordinal) : null;
        try
        {
            foreach (var c in new DropFolderScanner(source).Enumerate(ct))
            {
                if (c.RelativePath == LockFileName ||
                    (inPlace.Count > 0 && inPlace.Contains(new FileIdentity(source.Name, c.RelativePath, c.Size, c.LastWriteUtc.Ticks))))
                {
                    continue;
                }

                if (backedOff.Count > 0 && backedOff.Contains(c.RelativePath))
                {
                    summary.BackedOff++;
                    continue;
                }

                if (source.ReadyCheck == ReadyCheck.Marker && c.RelativePath.EndsWith(source.ReadyMarkerSuffix, StringComparison.Ordinal))
                {
                    continue; // a marker is never ingested itself
                }

                if (!c.IsSymbolicLink && !IsReady(source, c, now, previous, seen))
                {
                    summary.NotReady++;
                    continue;
                }

                summary.Ready++;
                yield return c;
            }
        }
        finally
        {
            if (seen is not null)
            {
                _lastSeen[source.Name] = seen;
            }
        }
    }

    private static bool IsReady(IngestSource source, ScanCandidate c, DateTime now, Dictionary<string, (long Size, long Ticks)>? previous, Dictionary<string, (long, long)>? seen)
    {
        switch (source.ReadyCheck)
        {
            case ReadyCheck.Stable:
                var current = (c.Size, c.LastWriteUtc.Ticks);
                seen![c.RelativePath] = current;
                return previous is not null && previous.TryGetValue(c.RelativePath, out var before) && before == current;
            case ReadyCheck.Marker:
                return File.Exists(c.FullPath + source.ReadyMarkerSuffix);
            default:
                return now - c.LastWriteUtc >= source.MinFileAge;
        }
    }

    /// <summary>ReadyCheck Marker: the marker goes once the file's record is committed.</summary>
    private void RemoveMarker(IngestSource source, string catalogPath)
    {
        if (source.ReadyCheck != ReadyCheck.Marker)
        {
            return;
        }

        var marker = PathUtil.FromCatalogPath(source.DropFolder, catalogPath) + source.ReadyMarkerSuffix;
        try
        {
            File.Delete(marker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.DisposeFailed(logger, ex, catalogPath + source.ReadyMarkerSuffix);
        }
    }

    private async Task WriteAsync(IngestSource source, ICatalog catalog, ChannelReader<FileAnalysis> reader, ScanSummary summary, IProgress<ScanSummary>? progress, CancellationToken ct)
    {
        var batch = new List<IngestRecord>(MaxBatch);
        var reserved = new HashSet<string>(StringComparer.Ordinal);
        var newFolders = new NewFolders();
        var toIndex = new List<(long, byte[])>();

        // A batch's files are moved while the next batch is recorded: the moves and their directory flushes are off the
        // writer's path. One disposal runs at a time, so memory stays bounded. Finished disposals are marked done in a
        // later batch's record transaction: one commit per batch instead of two. A crash before that commit leaves them
        // pending, and reconcile finishes them as after any crash between a move and its bookkeeping; the last ones are
        // committed on their own below.
        IReadOnlyList<DisposalDone> completed = [];
        Task<DisposedBatch>? disposing = null;

        // The writer drains everything analysed even when cancelled: a committed batch is always disposed.
        Task<bool>? waiting = null;
        try
        {
            while (await (waiting ?? reader.WaitToReadAsync(CancellationToken.None).AsTask()))
            {
                waiting = null;
                long textBytes = 0;
                Task? deadline = null;
                while (true)
                {
                    while (batch.Count < MaxBatch && textBytes < MaxBatchTextBytes && reader.TryRead(out var analysis))
                    {
                        textBytes += analysis.Facts?.Search is { } text ? text.TextUtf8?.Length ?? text.CompressedText.Bytes.Length : 0;
                        if (analysis.Kind == AnalysisKind.Skipped)
                        {
                            summary.Skipped++;
                            Log.Skipped(logger, analysis.Candidate.RelativePath, analysis.Reason!);
                            continue;
                        }

                        batch.Add(IngestRecord.From(source.Name, analysis));
                    }

                    if (batch.Count == 0 || batch.Count >= MaxBatch || textBytes >= MaxBatchTextBytes)
                    {
                        break;
                    }

                    // A writer faster than the readers would otherwise commit a few files at a time: a commit (a WAL flush,
                    // and rewriting every index page the batch touched) per handful of files. Wait a little for a fuller batch.
                    waiting = reader.WaitToReadAsync(CancellationToken.None).AsTask();
                    if (!waiting.IsCompleted)
                    {
                        deadline ??= Task.Delay(MaxBatchDelay, time, CancellationToken.None);
                        if (await Task.WhenAny(waiting, deadline) != waiting)
                        {
                            break; // the pending wait carries over to the next batch
                        }
                    }

                    var more = await waiting;
                    waiting = null;
                    if (!more)
                    {
                        break; // every reader is done
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                var recorded = await catalog.RecordAsync(
                    batch, (r, status) => Plan(source, r.Path, status, r.Kind, reserved, newFolders), source.RetryFailedAfter, completed, CancellationToken.None);
                foreach (var item in recorded)
                {
                    Count(item, summary);
                }

                completed = await FinishAsync(disposing, reserved, summary);
                disposing = Task.Run(() => DisposeBatch(source, recorded), CancellationToken.None);
                if (_search.Enabled)
                {
                    // After the commit and outside it: the record never waits for the index, and a scan returns searchable.
                    toIndex.Clear();
                    foreach (var item in recorded)
                    {
                        if (item is { Status: OccurrenceStatus.New, DocumentId: { } id, Record.Facts.Search.TextUtf8: { } text })
                        {
                            toIndex.Add((id, text));
                        }
                    }

                    await catalog.IndexAsync(toIndex, CancellationToken.None);
                }

                batch.Clear();
                progress?.Report(summary);
            }

            await catalog.CompleteDisposalsAsync([.. completed, .. await FinishAsync(disposing, reserved, summary)], CancellationToken.None);
        }
        finally
        {
            // When recording fails, the batch being moved still finishes first: no move outlives the scan.
            if (disposing is { IsCompleted: false })
            {
                await ((Task)disposing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Waits for a batch's disposal; its planned destinations now exist on disk (or stay free) and need no reservation.</summary>
    private static async Task<IReadOnlyList<DisposalDone>> FinishAsync(Task<DisposedBatch>? disposing, HashSet<string> reserved, ScanSummary summary)
    {
        if (disposing is null)
        {
            return [];
        }

        var disposed = await disposing;
        summary.DisposalErrors += disposed.Errors;
        foreach (var item in disposed.Recorded)
        {
            if (item.Disposal.Destination is { } destination)
            {
                reserved.Remove(destination);
            }
        }

        return disposed.Done;
    }

    private sealed record DisposedBatch(IReadOnlyList<RecordedItem> Recorded, List<DisposalDone> Done, int Errors);

    private static PlannedDisposal Plan(
        IngestSource source, string relativePath, OccurrenceStatus? status, AnalysisKind kind, ISet<string> reserved, NewFolders? newFolders = null)
    {
        var (disposition, root) = status switch
        {
            OccurrenceStatus.New => (source.OnSuccess, source.ProcessedFolder),
            OccurrenceStatus.Duplicate => (source.OnDuplicate, source.DuplicatesFolder),
            _ when kind == AnalysisKind.Rejected && source.OnFailure == FailureDisposition.Move => (Disposition.Move, source.FailedFolder),
            _ => (Disposition.Keep, source.FailedFolder),
        };
        return disposition == Disposition.Move
            ? new PlannedDisposal(Disposition.Move, FileDisposer.PlanDestination(root, relativePath, reserved, newFolders))
            : new PlannedDisposal(disposition, null);
    }

    /// <summary>Moves or deletes a committed batch's files; returns the disposals to mark done (flushed first with Durability Full).</summary>
    /// <remarks>Runs beside the next batch's record: it touches the file system only, never the catalog or the summary.</remarks>
    private DisposedBatch DisposeBatch(IngestSource source, IReadOnlyList<RecordedItem> recorded)
    {
        var sync = source.Durability == Durability.Full ? new DirectorySync() : null;
        var folders = new DestinationFolders();
        var done = new List<DisposalDone>(recorded.Count);
        var errors = 0;
        foreach (var item in recorded)
        {
            var r = item.Record;
            if (!item.IsFailure || r.Kind == AnalysisKind.Rejected)
            {
                RemoveMarker(source, r.Path);
            }

            if (item.AlreadyRecorded || item.Disposal.Disposition == Disposition.Keep)
            {
                continue;
            }

            var full = PathUtil.FromCatalogPath(source.DropFolder, r.Path);
            try
            {
                string? destination = null;
                if (item.Disposal.Disposition == Disposition.Move)
                {
                    var root = item.IsFailure ? source.FailedFolder : item.Status == OccurrenceStatus.New ? source.ProcessedFolder : source.DuplicatesFolder;
                    destination = FileDisposer.Move(full, item.Disposal.Destination!, root, sync, folders);
                }
                else
                {
                    FileDisposer.Delete(full, sync);
                }

                done.Add(new DisposalDone(item.Id, item.IsFailure, destination));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The record stands and stays pending: the next scan retries the move first.
                errors++;
                Log.DisposeFailed(logger, ex, r.Path);
            }
        }

        sync?.FlushAll();
        return new DisposedBatch(recorded, done, errors);
    }

    private void Count(RecordedItem item, ScanSummary summary)
    {
        var r = item.Record;
        switch (item.Status)
        {
            case OccurrenceStatus.New:
                summary.New++;
                summary.Bytes += r.Size;
                Log.Ingested(logger, r.Path, "new", r.Facts!.Sha256);
                break;
            case OccurrenceStatus.Duplicate:
                summary.Duplicates++;
                summary.Bytes += r.Size;
                Log.Ingested(logger, r.Path, "duplicate", r.Facts!.Sha256);
                break;
            default:
                summary.Failed++;
                if (r.Kind == AnalysisKind.Transient)
                {
                    if (!item.AlreadyRecorded)
                    {
                        Log.Transient(logger, r.Path, r.Reason!);
                    }
                }
                else
                {
                    Log.Rejected(logger, r.Path, r.Reason!);
                }

                break;
        }
    }

    /// <summary>Finishes disposals whose record committed before a crash, without a second occurrence.</summary>
    /// <remarks>A disposal that fails again stays pending; its file joins <paramref name="inPlace"/> so it is not ingested twice.</remarks>
    private async Task<int> ReconcileAsync(IngestSource source, ICatalog catalog, HashSet<FileIdentity> inPlace, ScanSummary summary, CancellationToken ct)
    {
        var sync = source.Durability == Durability.Full ? new DirectorySync() : null;
        var folders = new DestinationFolders();
        var pending = await catalog.GetPendingDisposalsAsync(source.Name, ct);
        var done = new List<DisposalDone>(pending.Count);
        foreach (var p in pending)
        {
            var full = PathUtil.FromCatalogPath(source.DropFolder, p.Path);
            var info = new FileInfo(full);
            var stillThere = info.Exists && info.Length == p.Size && info.LastWriteTimeUtc.Ticks == p.LastWriteTicks;
            try
            {
                string? destination = null;
                if (!stillThere)
                {
                    // The move or delete happened (or the file is gone): only the bookkeeping was lost.
                    destination = p.Destination is { } d && File.Exists(d) ? d : null;
                    if (p.Disposition == Disposition.Move && destination is null)
                    {
                        Log.ReconcileVanished(logger, p.Path);
                    }
                }
                else if (p.Disposition == Disposition.Move && p.Destination is { } planned)
                {
                    var root = Path.GetDirectoryName(planned)!;
                    if (FileDisposer.SameContent(full, planned))
                    {
                        // Crashed between link and unlink, or between a verified copy and the delete.
                        FileDisposer.Delete(full, sync);
                        destination = planned;
                    }
                    else
                    {
                        destination = FileDisposer.Move(full, planned, root, sync, folders);
                    }

                    Log.Reconciled(logger, p.Path, destination);
                }
                else
                {
                    FileDisposer.Delete(full, sync);
                    Log.Reconciled(logger, p.Path, null);
                }

                done.Add(new DisposalDone(p.Id, p.IsFailure, destination));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                summary.DisposalErrors++;
                Log.DisposeFailed(logger, ex, p.Path);
                inPlace.Add(new FileIdentity(source.Name, p.Path, p.Size, p.LastWriteTicks));
            }
        }

        sync?.FlushAll();
        await catalog.CompleteDisposalsAsync(done, ct);
        return done.Count;
    }
}
