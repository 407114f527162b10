using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Ingest.Configuration;
using Ingest.Decoding;
using Ingest.Metadata;
using Ingest.Scanning;
using Ingest.Search;

namespace Ingest.Reading;

/// <summary>
/// Step 3 of a scan: reads a file once, streaming through a fixed buffer, hashing the bytes,
/// detecting the encoding from the head, decoding strictly and computing the text metadata.
/// </summary>
internal sealed class FileAnalyzer
{
    internal const int BufferSize = 256 * 1024;

    /// <summary>
    /// The chunk of a file above <see cref="ParallelHashThreshold"/>: each chunk is one hand-off to the side job (a pool
    /// work item and a wait), and at 256 KB those were some 30,000 context switches per GB. Measured on a 1 GiB file:
    /// 1.71-2.08 s with 256 KB chunks, 1.64-1.72 s with 1 MB.
    /// </summary>
    internal const int LargeBufferSize = 1024 * 1024;

    /// <summary>
    /// Above this size the byte hash, the next read and its decoding run on another core while this one computes the
    /// metrics: each half costs about as much as the other. Below it (most files are a few KB) a hand-off would cost
    /// more than it saves.
    /// </summary>
    internal const long ParallelHashThreshold = 1024 * 1024;

    private static int ChunkSize(long fileSize) => fileSize > ParallelHashThreshold ? LargeBufferSize : BufferSize;

    /// <summary>Test hook run after a file is read and before it is re-checked, to change the file mid-scan.</summary>
    internal static readonly AsyncLocal<Action<ScanCandidate>?> AfterReadForTests = new();

    /// <summary>
    /// Test hook: (on the side job, once it has read ahead; on this thread, just after starting the side job). Lets a
    /// test hold this thread until the side job has run ahead, the interleaving a loaded machine produces.
    /// </summary>
    internal static readonly AsyncLocal<(Action AfterReadAhead, Action AfterStart)?> SideJobForTests = new();

    /// <summary>
    /// Runs the analysis path once over a few lines in memory (detection, hash, metrics from bytes and from characters,
    /// fingerprint, compression), so its first-use costs (native libraries, tables, code) are paid on the other core
    /// while a command builds its host rather than on the first file: about 30 ms off a scan of one file.
    /// </summary>
    public static void WarmUp()
    {
        var sample = Encoding.UTF8.GetBytes("讲话稿\n一、总体要求\n今年全市新建社区图书馆，市民借阅量明显增长。\nThe library's new reading room.\n");
        EncodingDetector.Detect(sample, isWholeFile: true);
        _ = SHA256.HashData(sample);
        using (var metrics = new TextMetricsBuilder(captureBytes: sample.Length))
        {
            metrics.UseRawUtf8AsText((_, _) => { });
            var chars = new char[sample.Length + 1];
            metrics.AppendUtf8(sample, new UTF8Encoding(false, true).GetDecoder(), flush: true, chars);
            metrics.Complete(SHA256.HashData(sample));
            _ = metrics.Fingerprint;
            _ = TextCompression.Compress(metrics.CapturedText);
        }
    }

    /// <summary>Analyzes a file outside any scan (re-analysis of a kept document).</summary>
    public static FileAnalysis AnalyzePath(string fullPath, string displayPath, long? maxFileSize, CancellationToken ct, int captureBytes = 0)
    {
        var info = new FileInfo(fullPath);
        return Analyze(new ScanCandidate(info.FullName, displayPath, info.Length, info.LastWriteTimeUtc, info.LinkTarget is not null), maxFileSize, ct, captureBytes);
    }

    /// <param name="captureBytes">How much normalized text to keep for search and fingerprints (Search:MaxIndexedBytes; 0: none).</param>
    /// <param name="folder">The drop folder opened for the scan, where available: files below it are opened through it.</param>
    /// <param name="keepPlainText">
    /// Whether the result keeps the captured text uncompressed, for the full-text index. Without search only the stored
    /// (compressed) copy and the fingerprint are needed: a copy per file less (4 KB of a small file's ~15 KB of garbage).
    /// </param>
    public static FileAnalysis Analyze(
        ScanCandidate candidate, long? maxFileSize, CancellationToken ct, int captureBytes = 0, DropFolderHandle? folder = null, bool keepPlainText = true)
    {
        if (candidate.IsSymbolicLink)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.LeftInPlace, "symbolic link not followed");
        }

        if (candidate.HasInvalidName)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.LeftInPlace, $"invalid file name (not valid UTF-8): {candidate.RelativePath}");
        }

        if (maxFileSize is { } max && candidate.Size > max)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Rejected, $"{EncodingDetector.TooLarge}: {candidate.Size} bytes, the limit (Ingest:MaxFileSize) is {max}");
        }

        var relative = folder?.RelativePathOf(candidate.FullPath);
        var failure = relative is not null ? OpenBelow(folder!, relative, candidate, out var file) : OpenManaged(candidate, out file);
        if (failure is not null)
        {
            return failure;
        }

        FileAnalysis result;
        long total;
        using (file)
        {
            try
            {
                (result, total) = Read(file!, candidate, captureBytes, keepPlainText, ct);
            }
            catch (IOException ex) when (relative is not null && ex.HResult == DropFolderHandle.EISDIR)
            {
                // openat2 opens a folder that took the file's name; the managed open refuses it as access denied.
                return FileAnalysis.Fail(candidate, AnalysisKind.Transient, $"cannot be read: Access to the path '{candidate.FullPath}' is denied.");
            }
        }

        AfterReadForTests.Value?.Invoke(candidate);
        if (result.Kind is AnalysisKind.Document or AnalysisKind.Rejected && ChangedSinceEnumeration(candidate, total, folder, relative))
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, "changed while being read");
        }

        return result;
    }

    /// <summary>Opens through the scan's folder handle: no link below the folder is followed, checked by the open itself.</summary>
    private static FileAnalysis? OpenBelow(DropFolderHandle folder, string relative, ScanCandidate candidate, out OpenedFile? file)
    {
        file = null;
        var errno = folder.Open(relative, sequential: candidate.Size > BufferSize, out var handle);
        switch (errno)
        {
            case 0:
                file = new OpenedFile(handle!, candidate.Size, openedBelow: true);
                return null;
            case DropFolderHandle.ELOOP or DropFolderHandle.EXDEV:
                return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, LinkOnPath);
            case DropFolderHandle.ENOENT or DropFolderHandle.ENOTDIR:
                return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, Vanished);
            case DropFolderHandle.EAGAIN:
                // The words .NET uses for the same lock (a writer holding the file with FileShare.None).
                return FileAnalysis.Fail(candidate, AnalysisKind.Transient, $"cannot be read: The process cannot access the file '{candidate.FullPath}' because it is being used by another process.");
            case DropFolderHandle.EACCES:
                return FileAnalysis.Fail(candidate, AnalysisKind.Transient, $"cannot be read: Access to the path '{candidate.FullPath}' is denied.");
            default:
                return FileAnalysis.Fail(candidate, AnalysisKind.Transient, $"cannot be read: {Marshal.GetPInvokeErrorMessage(errno)} : '{candidate.FullPath}'");
        }
    }

    /// <summary>
    /// Opens by path: other platforms, kernels before openat2, and files outside a scan. Every folder level below the
    /// drop folder is checked for a link first, then the file is opened.
    /// </summary>
    private static FileAnalysis? OpenManaged(ScanCandidate candidate, out OpenedFile? file)
    {
        file = null;

        // Resolved-path check just before opening: a folder swapped for a link since enumeration is not followed.
        var relative = PathUtil.FromCatalogPath("", candidate.RelativePath);
        var root = candidate.FullPath.EndsWith(relative, StringComparison.Ordinal) ? candidate.FullPath[..^relative.Length] : null;
        if (root is { Length: > 0 } && PathUtil.HasLinkBelow(root, candidate.FullPath))
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, LinkOnPath);
        }

        try
        {
            // FileShare.Read: a writer holding the file open makes this fail on Windows (and with .NET's lock on Unix).
            var handle = File.OpenHandle(candidate.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            file = new OpenedFile(handle, candidate.Size, openedBelow: false);
            return null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, Vanished);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Transient, $"cannot be read: {ex.Message}");
        }
    }

    private const string LinkOnPath = "a folder on its path became a symbolic link";
    private const string Vanished = "vanished before it could be read";

    /// <summary>
    /// Compares what is at the path now with what enumeration saw, by path and not by the open handle: the record
    /// must describe the file the disposal will move, so a file renamed over this one while it was read counts as a change.
    /// </summary>
    private static bool ChangedSinceEnumeration(ScanCandidate candidate, long bytesRead, DropFolderHandle? folder, string? relative)
    {
        if (bytesRead != candidate.Size)
        {
            return true;
        }

        if (relative is not null)
        {
            // One statx, where FileInfo costs an lstat, a stat and a geteuid.
            return !folder!.TryStat(relative, out var size, out var ticks) || size != bytesRead || ticks != candidate.LastWriteUtc.Ticks;
        }

        var info = new FileInfo(candidate.FullPath);
        return !info.Exists || info.Length != bytesRead || info.LastWriteTimeUtc != candidate.LastWriteUtc;
    }

    /// <summary>
    /// Reads the file; when the encoding chosen from the head proves invalid further on, detects again on the
    /// part of the file that failed (with the failed labels excluded) and reads the file again with that choice.
    /// Each retry excludes one more candidate, so this ends within a few passes.
    /// </summary>
    private static (FileAnalysis, long) Read(OpenedFile stream, ScanCandidate candidate, int captureBytes, bool keepPlainText, CancellationToken ct)
    {
        HashSet<string>? excluded = null;
        DetectedEncoding? forced = null;
        while (true)
        {
            var (result, total, failure) = ReadOnce(stream, candidate, forced, excluded, captureBytes, keepPlainText, ct);
            if (failure is not { } f)
            {
                return (result!, total);
            }

            (excluded ??= new HashSet<string>(StringComparer.Ordinal)).Add(f.Label);
            var redetected = DetectAt(stream, f.Near, excluded);
            if (redetected.Encoding is not { } encoding)
            {
                return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, redetected.FailureReason!), stream.Length);
            }

            forced = encoding;
            stream.Position = 0;
        }
    }

    /// <summary>
    /// Detects on a buffer from just before where decoding failed: that is where the evidence is (the chunk it failed in
    /// would dilute one line of it in up to a megabyte of what the head already showed).
    /// </summary>
    private static Detection DetectAt(OpenedFile stream, long near, HashSet<string> excluded)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var chunkStart = Math.Max(0, near - 4096); // then from the first line break: the failing line and what follows
            stream.Position = chunkStart;
            var length = stream.ReadFull(buffer);
            var sample = buffer.AsSpan(0, length);

            // Start after a line break so that no candidate sees the second half of a multi-byte character.
            var sync = chunkStart == 0 ? -1 : sample[..Math.Min(sample.Length, 4096)].IndexOf((byte)'\n');
            if (sync >= 0 && sync + 1 < sample.Length)
            {
                sample = sample[(sync + 1)..];
            }

            return EncodingDetector.Detect(sample, isWholeFile: length < buffer.Length, excluded);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>The analysis and the bytes read, or (instead of an analysis) the label that failed and near which byte.</returns>
    private static (FileAnalysis?, long, (string Label, long Near)?) ReadOnce(
        OpenedFile stream, ScanCandidate candidate, DetectedEncoding? forced, HashSet<string>? excluded, int captureBytes, bool keepPlainText,
        CancellationToken ct)
    {
        var chunkSize = ChunkSize(candidate.Size);
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        byte[]? spare = null;
        char[]? chars = null;
        char[]? spareChars = null;
        using var sideJob = candidate.Size > ParallelHashThreshold ? new SideJob() : null;

        // A file that one read holds (most are a few KB) is hashed in one call: no incremental state to create and free.
        var hash = sideJob is not null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        Span<byte> digest = stackalloc byte[32];
        var hashedInOneCall = false;

        // The side job hashes and reads while this thread decodes; it decodes its part of the next chunk only once this
        // thread is done with the decoder (decoderFree), so neither waits for the other in turn. Disposed after the join.
        using var decoderFree = sideJob is not null ? new ManualResetEventSlim(false) : null;

        // A large file's search capture fills long before the end: compress and fingerprint it meanwhile.
        using var compressJob = sideJob is not null && captureBytes > 0 ? new SideJob() : null;
        byte[]? capturedText = null;
        StoredText? compressedText = null;
        Fingerprint? capturedFingerprint = null;
        try
        {
            var length = stream.ReadFull(buffer);
            long total = length;
            if (length == 0)
            {
                return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, EncodingDetector.EmptyFile), total, null);
            }

            var headIsWholeFile = length < buffer.Length;
            var detection = forced is not null ? new Detection(forced, null) : EncodingDetector.Detect(buffer.AsSpan(0, length), headIsWholeFile, excluded);
            if (detection.Encoding is not { } encoding)
            {
                total = LengthThroughEnd(stream);
                return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, detection.FailureReason!), total, null);
            }

            // A guess from the head can be retried with another candidate; a BOM or a whole-file check cannot.
            var canRetry = !headIsWholeFile && !encoding.HasBom;
            var decoder = encoding.Encoding.GetDecoder();
            chars = ArrayPool<char>.Shared.Rent(encoding.Encoding.GetMaxCharCount(buffer.Length));
            using var metrics = new TextMetricsBuilder(captureBytes);
            var utf8 = encoding.Encoding is UTF8Encoding && !encoding.HasBom;
            if (utf8)
            {
                // The strict decoder round-trips: while the text is CR-free NFC, its normalized UTF-8 form is the bytes.
                metrics.UseRawUtf8AsText((count, textHash) => ReplayPrefix(stream, count, textHash));
            }

            var offset = encoding.BomLength;
            long position = 0;

            // Parallel path: the side job decodes the first part of the next chunk ahead (aheadSplit bytes, aheadChars
            // chars); this thread decodes the rest on the next turn. The two cores then share the decoding.
            var haveAhead = false;
            var aheadLength = 0;
            var aheadSplit = 0; // the side job writes it while this thread decodes the current chunk: read only at the join
            var split = 0; // where this thread's part of the current chunk starts: aheadSplit, copied at the join
            var aheadChars = 0;
            DecoderFallbackException? aheadError = null;
            while (length > 0)
            {
                ct.ThrowIfCancellationRequested();
                var final = length < buffer.Length;
                decoderFree?.Reset();
                if (sideJob is not null)
                {
                    // On another core: hash this chunk, read the next one into the spare buffers and decode its first half.
                    // This thread touches neither the hash, the stream nor the spare buffers until the join, nor the
                    // decoder once it has set decoderFree.
                    spare ??= ArrayPool<byte>.Shared.Rent(chunkSize);
                    if (!utf8)
                    {
                        spareChars ??= ArrayPool<char>.Shared.Rent(chars.Length); // only the decode ahead writes to it
                    }

                    var (chunk, chunkLength, nextBytes, nextChars) = (buffer, length, spare, spareChars);
                    var hooks = SideJobForTests.Value;
                    sideJob.Start(() =>
                    {
                        hash!.AppendData(chunk, 0, chunkLength);
                        if (!final)
                        {
                            aheadLength = stream.ReadFull(nextBytes);
                            aheadSplit = aheadLength / 2;
                        }

                        hooks?.AfterReadAhead();
                        if (final || utf8)
                        {
                            return; // most of UTF-8 text is counted from its bytes, undecoded: nothing to share
                        }

                        decoderFree!.Wait();
                        (aheadChars, aheadError) = Decode(decoder, nextBytes.AsSpan(0, aheadSplit), nextChars!, flush: false);
                    });
                    hooks?.AfterStart();
                }
                else if (final && hash is null)
                {
                    SHA256.HashData(buffer.AsSpan(0, length), digest);
                    hashedInOneCall = true;
                }
                else
                {
                    (hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256)).AppendData(buffer, 0, length);
                }

                int charCount;
                DecoderFallbackException? decodeError = null;
                var decodedFrom = offset; // where the part decoded here (and any error in it) starts
                var nul = false;
                if (utf8)
                {
                    charCount = 0;
                    try
                    {
                        nul = metrics.AppendUtf8(buffer.AsSpan(offset, length - offset), decoder, final, chars);
                    }
                    catch (DecoderFallbackException ex)
                    {
                        decodeError = ex;
                    }
                }
                else if (haveAhead)
                {
                    (charCount, decodeError, decodedFrom) = (aheadChars, aheadError, offset);
                    if (decodeError is null)
                    {
                        decodedFrom = split;
                        var (more, error) = Decode(decoder, buffer.AsSpan(split, length - split), chars.AsSpan(charCount), final);
                        (charCount, decodeError) = (charCount + more, error);
                    }
                }
                else
                {
                    (charCount, decodeError) = Decode(decoder, buffer.AsSpan(offset, length - offset), chars, final);
                }

                decoderFree?.Set();
                if (decodeError is not null)
                {
                    var at = position + decodedFrom + Math.Max(decodeError.Index, 0);
                    if (canRetry)
                    {
                        return (null, total, (encoding.Label, at));
                    }

                    sideJob?.JoinQuietly(); // it may be reading ahead
                    total = LengthThroughEnd(stream);
                    return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, $"{EncodingDetector.Undecodable}: invalid {encoding.Label} near byte {at}"), total, null);
                }

                var text = chars.AsSpan(0, charCount);
                if (!encoding.AllowsNulBytes && (nul || text.Contains('\0')))
                {
                    sideJob?.JoinQuietly();
                    total = LengthThroughEnd(stream);
                    return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, EncodingDetector.BinaryContent + ": NUL bytes in a file that is not UTF-16"), total, null);
                }

                metrics.Append(text); // empty for UTF-8: appended above
                if (compressJob is not null && capturedText is null && metrics.CaptureTruncated)
                {
                    // The capture is complete and will not change: compress and fingerprint a copy on another thread.
                    var copy = capturedText = metrics.CapturedText.ToArray();
                    compressJob.Start(() =>
                    {
                        compressedText = TextCompression.Compress(copy);
                        capturedFingerprint = FingerprintBuilder.OfUtf8(copy);
                    });
                }

                position += length;
                offset = 0;
                if (sideJob is not null)
                {
                    sideJob.Join();
                    if (final)
                    {
                        break;
                    }

                    (buffer, spare) = (spare!, buffer);
                    if (spareChars is not null)
                    {
                        (chars, spareChars) = (spareChars, chars);
                    }

                    length = aheadLength;
                    split = aheadSplit;
                    haveAhead = true;
                }
                else
                {
                    if (final)
                    {
                        break;
                    }

                    length = stream.ReadFull(buffer);
                }

                total += length;
                if (length == 0)
                {
                    // The file ended exactly on a buffer boundary: flush the decoder (the side job read no bytes).
                    try
                    {
                        var flushed = decoder.GetChars([], chars, flush: true);
                        metrics.Append(chars.AsSpan(0, flushed));
                    }
                    catch (DecoderFallbackException)
                    {
                        if (canRetry)
                        {
                            return (null, total, (encoding.Label, position));
                        }

                        return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, $"{EncodingDetector.Undecodable}: truncated {encoding.Label} sequence at the end"), total, null);
                    }
                }
            }

            if (!hashedInOneCall)
            {
                hash!.GetHashAndReset(digest);
            }
            var m = metrics.Complete(digest);
            compressJob?.Join();
            var search = capturedText is not null
                ? capturedFingerprint is { } fp ? new SearchPayload(keepPlainText ? capturedText : null, compressedText!.Value, metrics.CaptureTruncated, fp) : null
                : metrics.Fingerprint is { } fingerprint
                    ? new SearchPayload(
                        keepPlainText ? metrics.CapturedText.ToArray() : null, TextCompression.Compress(metrics.CapturedText), metrics.CaptureTruncated, fingerprint)
                    : null;
            var facts = new DocumentFacts(
                Convert.ToHexStringLower(digest), total, encoding.Label, encoding.HasBom, encoding.Confidence, m.Title, m.LineCount, m.TextSha256,
                TextDetails.From(m), search);
            return (FileAnalysis.Ok(candidate, facts), total, null);
        }
        finally
        {
            // An early return or exception may leave the job running on the buffers: wait before returning them.
            sideJob?.JoinQuietly();
            compressJob?.JoinQuietly(); // a queued job must not run on a disposed SideJob
            hash?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
            if (spare is not null)
            {
                ArrayPool<byte>.Shared.Return(spare);
            }

            if (spareChars is not null)
            {
                ArrayPool<char>.Shared.Return(spareChars);
            }

            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    private static (int Chars, DecoderFallbackException? Error) Decode(Decoder decoder, ReadOnlySpan<byte> bytes, Span<char> chars, bool flush)
    {
        try
        {
            return (decoder.GetChars(bytes, chars, flush), null);
        }
        catch (DecoderFallbackException ex)
        {
            return (0, ex);
        }
    }

    /// <summary>Appends the first <paramref name="count"/> bytes of the file to <paramref name="textHash"/>, without moving the stream.</summary>
    private static void ReplayPrefix(OpenedFile file, long count, IncrementalHash textHash)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            while (offset < count)
            {
                var n = file.ReadAt(buffer.AsSpan(0, (int)Math.Min(buffer.Length, count - offset)), offset);
                if (n == 0)
                {
                    break; // the file shrank: the change check after the read rejects this analysis
                }

                textHash.AppendData(buffer, 0, n);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The length of a rejected file as if read whole (what is left unread is skipped), so it is still checked for
    /// change since enumeration.
    /// </summary>
    private static long LengthThroughEnd(OpenedFile stream) => stream.Length;
}
