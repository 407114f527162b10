using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Ingest.Configuration;
using Ingest.Decoding;
using Ingest.Metadata;
using Ingest.Scanning;

namespace Ingest.Reading;

/// <summary>
/// Step 3 of a scan: reads a file once, streaming through a fixed buffer, hashing the bytes,
/// detecting the encoding from the head, decoding strictly and computing the text metadata.
/// </summary>
internal sealed class FileAnalyzer
{
    internal const int BufferSize = 256 * 1024;

    /// <summary>Test hook run after a file is read and before it is re-checked, to change the file mid-scan.</summary>
    internal static readonly AsyncLocal<Action<ScanCandidate>?> AfterReadForTests = new();

    public static FileAnalysis Analyze(ScanCandidate candidate, long? maxFileSize, CancellationToken ct)
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

        // Resolved-path check just before opening: a folder swapped for a link since enumeration is not followed.
        var root = candidate.FullPath[..^candidate.RelativePath.Length];
        if (PathUtil.HasLinkBelow(root, candidate.FullPath))
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, "a folder on its path became a symbolic link");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(candidate.FullPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read, // a writer holding the file open makes this fail on Windows: not complete yet
                Options = FileOptions.SequentialScan,
                BufferSize = 0,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, "vanished before it could be read");
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Transient, $"cannot be read: {ex.Message}");
        }

        FileAnalysis result;
        long total;
        using (stream)
        {
            (result, total) = Read(stream, candidate, ct);
        }

        AfterReadForTests.Value?.Invoke(candidate);
        if (result.Kind is AnalysisKind.Document or AnalysisKind.Rejected && ChangedSinceEnumeration(candidate, total))
        {
            return FileAnalysis.Fail(candidate, AnalysisKind.Skipped, "changed while being read");
        }

        return result;
    }

    private static bool ChangedSinceEnumeration(ScanCandidate candidate, long bytesRead)
    {
        var info = new FileInfo(candidate.FullPath);
        return !info.Exists || info.Length != bytesRead || bytesRead != candidate.Size || info.LastWriteTimeUtc != candidate.LastWriteUtc;
    }

    private static (FileAnalysis, long) Read(FileStream stream, ScanCandidate candidate, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        char[]? chars = null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            var length = ReadFull(stream, buffer);
            long total = length;
            if (length == 0)
            {
                return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, EncodingDetector.EmptyFile), total);
            }

            var detection = EncodingDetector.Detect(buffer.AsSpan(0, length), isWholeFile: length < buffer.Length);
            if (detection.Encoding is not { } encoding)
            {
                total += DrainForLength(stream, buffer);
                return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, detection.FailureReason!), total);
            }

            var decoder = encoding.Encoding.GetDecoder();
            chars = ArrayPool<char>.Shared.Rent(encoding.Encoding.GetMaxCharCount(buffer.Length));
            using var metrics = new TextMetricsBuilder();
            var offset = encoding.BomLength;
            long position = 0;
            while (length > 0)
            {
                ct.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, length);
                var final = length < buffer.Length;
                int charCount;
                try
                {
                    charCount = decoder.GetChars(buffer.AsSpan(offset, length - offset), chars, flush: final);
                }
                catch (DecoderFallbackException ex)
                {
                    var at = position + offset + Math.Max(ex.Index, 0);
                    total += DrainForLength(stream, buffer);
                    return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, $"{EncodingDetector.Undecodable}: invalid {encoding.Label} near byte {at}"), total);
                }

                var text = chars.AsSpan(0, charCount);
                if (!encoding.AllowsNulBytes && text.Contains('\0'))
                {
                    total += DrainForLength(stream, buffer);
                    return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, EncodingDetector.BinaryContent + ": NUL bytes in a file that is not UTF-16"), total);
                }

                metrics.Append(text);
                position += length;
                offset = 0;
                if (final)
                {
                    break;
                }

                length = ReadFull(stream, buffer);
                total += length;
                if (length == 0)
                {
                    // The file ended exactly on a buffer boundary: flush the decoder.
                    try
                    {
                        metrics.Append(chars.AsSpan(0, decoder.GetChars([], chars, flush: true)));
                    }
                    catch (DecoderFallbackException)
                    {
                        return (FileAnalysis.Fail(candidate, AnalysisKind.Rejected, $"{EncodingDetector.Undecodable}: truncated {encoding.Label} sequence at the end"), total);
                    }
                }
            }

            Span<byte> digest = stackalloc byte[32];
            hash.GetHashAndReset(digest);
            var m = metrics.Complete();
            var facts = new DocumentFacts(
                Convert.ToHexStringLower(digest), total, encoding.Label, encoding.HasBom, encoding.Confidence, m.Title, m.LineCount, m.TextSha256);
            return (FileAnalysis.Ok(candidate, facts), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    /// <summary>Reads until the buffer is full or the stream ends, so a short read means end of file.</summary>
    private static int ReadFull(Stream stream, byte[] buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    /// <summary>The length of what is left, so a rejected file is still checked for change.</summary>
    private static long DrainForLength(FileStream stream, byte[] buffer)
    {
        _ = buffer;
        var remaining = stream.Length - stream.Position;
        stream.Seek(0, SeekOrigin.End);
        return Math.Max(remaining, 0);
    }
}
