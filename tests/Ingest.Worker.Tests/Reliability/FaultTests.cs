using System.Diagnostics;
using System.Text.Json.Nodes;
using Ingest.Worker.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Ingest.Worker.Tests.Reliability;

/// <summary>Faults around the catalog and the file system, against the real executable.</summary>
public sealed class FaultTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _ws.Dispose();
    }

    [Fact]
    public async Task Scan_DatabaseThatIsNotSqlite_IsRefusedUntouchedAndNoFileMoves()
    {
        var garbage = Encode.Utf8(string.Concat(Enumerable.Repeat("definitely not a catalog\n", 200)));
        Directory.CreateDirectory(Path.GetDirectoryName(_ws.Database)!);
        await File.WriteAllBytesAsync(_ws.Database, garbage);
        var dropped = _ws.Put("a.txt", Encode.Utf8(Texts.English));

        var result = await _ws.RunAsync("scan");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(_ws.Database, result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not a valid SQLite database", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(_ws.Database));
        Assert.True(File.Exists(dropped));
    }

    [Fact]
    public async Task Scan_DatabaseLockedByAnotherProcess_WaitsForTheLockAndSucceeds()
    {
        await _ws.JsonAsync("scan"); // creates the catalog
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        _ws.Settings["Logging"]!["LogLevel"]!["Default"] = "Debug"; // the scan-started line is a Debug message
        await File.WriteAllTextAsync(_ws.ConfigPath, _ws.Settings.ToJsonString());

        using var holder = new SqliteConnection($"Data Source={_ws.Database};Pooling=false");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE"; // the write lock, held by this (test) process
            begin.ExecuteNonQuery();
        }

        using var process = Process.Start(IngestProcess.StartInfo(_ws.Root, ["scan", "--json", "--config", _ws.ConfigPath]))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        // Release the lock once the scan is under way (its start is logged before it needs to write).
        var started = new TaskCompletionSource();
        var stderr = Task.Run(async () =>
        {
            var all = new System.Text.StringBuilder();
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                all.AppendLine(line);
                if (line.Contains("started", StringComparison.Ordinal))
                {
                    started.TrySetResult();
                }
            }

            started.TrySetResult();
            return all.ToString();
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(process.HasExited, await Task.FromResult("the scan must wait for the lock, not fail"));
        using (var commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            commit.ExecuteNonQuery();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(1, JsonNode.Parse(await stdout)!.Num("new"));
    }

    [Fact]
    public async Task Scan_UnreadableFileForAnUnprivilegedUser_IsRecordedOnceAndLeftInPlace()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // uses POSIX permissions and setpriv
        }

        var path = _ws.Put("secret.txt", Encode.Utf8(Texts.English));
        _ws.Put("open.txt", Encode.Utf8(Texts.Chinese));
        await File.WriteAllTextAsync(_ws.ConfigPath, _ws.Settings.ToJsonString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // Root reads any file, so the executable runs as 'nobody' (setpriv) over a world-writable workspace.
            foreach (var dir in Directory.EnumerateDirectories(_ws.Root, "*", SearchOption.AllDirectories).Append(_ws.Root))
            {
                File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
            }

            File.SetUnixFileMode(_ws.ConfigPath, (UnixFileMode)0x1A4);
            File.SetUnixFileMode(Path.Combine(_ws.Drop, "open.txt"), (UnixFileMode)0x1B6);
            var up = Path.GetDirectoryName(_ws.Root)!;
            File.SetUnixFileMode(up, File.GetUnixFileMode(up) | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
        }

        ProcessResult Run()
        {
            var psi = IngestProcess.StartInfo(_ws.Root, ["scan", "--json", "--config", _ws.ConfigPath]);
            if (asRoot)
            {
                var exe = psi.FileName;
                psi.FileName = "setpriv";
                psi.ArgumentList.Insert(0, exe);
                foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--" }.Reverse())
                {
                    psi.ArgumentList.Insert(0, a);
                }

                psi.Environment["HOME"] = _ws.Root;
                psi.Environment["DOTNET_CLI_HOME"] = _ws.Root;
            }

            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return new ProcessResult(p.ExitCode, o.Result, e.Result);
        }

        var first = Run();
        var second = Run();

        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Equal((1, 1), (JsonNode.Parse(first.StdOut)!.Num("new"), JsonNode.Parse(first.StdOut)!.Num("failed")));
        Assert.Equal((0, 1), (JsonNode.Parse(second.StdOut)!.Num("failed"), JsonNode.Parse(second.StdOut)!.Num("backedOff")));
        Assert.True(File.Exists(path));
        var failure = Assert.Single((await _ws.JsonAsync("failures")).AsArray())!;
        Assert.Equal("secret.txt", failure.Str("path"));
        Assert.Contains("cannot be read", failure.Str("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_WhileTheCatalogIsInUse_WritesAConsistentCopyAndNeverOverwrites()
    {
        _ws.Put("a.txt", Encode.Utf8(Texts.English));
        _ws.Put("b.txt", Encode.Utf8(Texts.Chinese));
        await _ws.JsonAsync("scan");
        var target = Path.Combine(_ws.Root, "backups", "copy.db");

        using var reader = new SqliteConnection($"Data Source={_ws.Database};Pooling=false");
        reader.Open(); // another connection open during the backup
        var result = await _ws.RunAsync("backup", target);
        var again = await _ws.RunAsync("backup", target);

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.StdErr, StringComparison.Ordinal);
        var stats = JsonNode.Parse((await IngestProcess.RunAsync(_ws.Root, ["stats", "--json", "--db", target])).StdOut)!;
        Assert.Equal(2, stats.Num("documents"));
    }
}
