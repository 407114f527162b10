using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ingest.Worker.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Ingest.Worker.Tests.Reliability;

/// <summary>
/// Kills the real executable with SIGKILL at random moments, restarts it, and checks exactly-once accounting.
/// CI runs a short version; set INGEST_CRASH_FILES (e.g. 1000) and INGEST_CRASH_KILLS for the long one.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) && v > 0 ? v : fallback;

    [Theory]
    [InlineData("scan")]
    [InlineData("run")]
    public async Task KilledAtRandomMomentsThenRestarted_RecordsEveryFileExactlyOnceWithBytesIntact(string verb)
    {
        var fileCount = Setting("INGEST_CRASH_FILES", 800);
        var kills = Setting("INGEST_CRASH_KILLS", 6);
        var random = new Random(Setting("INGEST_CRASH_SEED", Environment.TickCount));
        _ws.Ingest["MaxParallelism"] = 2;

        // Distinct contents with some duplicates, in sub-folders, a few of them rejected.
        var expected = new Dictionary<string, string>(); // relative path -> sha256
        for (var i = 0; i < fileCount; i++)
        {
            var bytes = i % 97 == 0 ? [] : Encode.Utf8($"{Texts.Chinese}第{i % (fileCount * 3 / 4)}号文件\n");
            var relative = $"batch{i % 7}/file {i:D4}.txt";
            _ws.Put(relative, bytes);
            expected[relative] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        await File.WriteAllTextAsync(_ws.ConfigPath, _ws.Settings.ToJsonString());
        var killed = 0;
        for (var k = 0; k < kills; k++)
        {
            // 'run' never exits by itself: every run of it ends with SIGKILL, at a random moment of its scans.
            using var process = Process.Start(IngestProcess.StartInfo(_ws.Root, [verb, "--config", _ws.ConfigPath]))!;
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var exited = process.WaitForExit(random.Next(200, 900));
            if (!exited)
            {
                process.Kill(); // SIGKILL on Unix
                killed++;
            }

            await process.WaitForExitAsync();
        }

        var final = await _ws.RunAsync("scan", "--json");
        Assert.True(final.ExitCode == 0, final.StdErr);
        output.WriteLine($"{verb}: {fileCount} files, {killed} of {kills} runs killed; final pass: {final.StdOut.ReplaceLineEndings(" ")}");

        // No file left behind, none lost: every dropped file sits in exactly one output folder, bytes intact.
        Assert.Empty(Workspace.FilesBelow(_ws.Drop));
        var outputs = new[] { _ws.Processed, _ws.Duplicates, _ws.Failed }.SelectMany(Workspace.FilesBelow).ToList();
        Assert.Equal(fileCount, outputs.Count);
        Assert.DoesNotContain(outputs, o => o.EndsWith(".ingest-partial", StringComparison.Ordinal));

        // Exactly one record per file, each pointing at a file with the recorded content.
        var list = (await _ws.JsonAsync("list")).AsArray();
        var failures = (await _ws.JsonAsync("failures")).AsArray();
        var occurrences = list.SelectMany(d => d!["occurrences"]!.AsArray().Select(o => (Doc: d, Occ: o!))).ToList();
        var recordedPaths = occurrences.Select(o => o.Occ.Str("path")).Concat(failures.Select(f => f!.Str("path"))).ToList();
        Assert.Equal(fileCount, recordedPaths.Count);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), recordedPaths.Order(StringComparer.Ordinal));
        foreach (var (doc, occ) in occurrences)
        {
            Assert.False(occ["pending"]!.GetValue<bool>());
            var destination = occ.Str("destination");
            Assert.Equal(doc.Str("sha256"), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(destination))));
            Assert.Equal(expected[occ.Str("path")], doc.Str("sha256"));
        }

        Assert.Equal(expected.Values.Where(h => h != Convert.ToHexStringLower(SHA256.HashData(Array.Empty<byte>()))).Distinct().Count(), list.Count);
        Assert.Equal(list.Count, occurrences.Count(o => o.Occ.Str("status") == "new"));

        using var connection = new SqliteConnection($"Data Source={_ws.Database};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
    }
}
