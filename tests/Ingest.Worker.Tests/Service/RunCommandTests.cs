using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ingest.Worker.Tests.Service;

/// <summary>End to end: <c>ingest run</c> as systemd would start it, against the real executable.</summary>
public sealed class RunCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60); // generous: polls return as soon as the condition holds

    [Fact]
    public async Task Run_UnderSystemd_ReportsReadyIngestsADroppedFileAndExitsZeroOnSigterm()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var sandbox = new ServiceSandbox();
        using var notify = new NotifySocket();
        using var service = IngestProcess.Start(sandbox.Root, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path }, "run", "--config", sandbox.Config);

        Assert.Equal("READY=1", await notify.ReceiveAsync(Deadline, service));

        await sandbox.DropAsync("hello.txt", "Hello while running\n");
        Assert.True(
            await IngestProcess.EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(sandbox.Processed, "hello.txt"))), Deadline),
            "the dropped file was not ingested within a few seconds:\n" + service.Stderr);

        service.Terminate();
        Assert.Equal("STOPPING=1", await notify.ReceiveAsync(Deadline, service));
        Assert.Equal(0, await service.WaitForExitAsync(Deadline));
    }

    [Fact]
    public async Task Health_DropFolderRemovedThenRestored_Answers200Then503Then200()
    {
        var port = IngestProcess.FreeLoopbackPort();
        using var sandbox = new ServiceSandbox(healthPort: port);
        using var service = IngestProcess.Start(sandbox.Root, null, "run", "--config", sandbox.Config);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        Assert.True(await StatusBecomesAsync(http, HttpStatusCode.OK, service), "never healthy:\n" + service.Stderr);
        var body = JsonDocument.Parse(await http.GetStringAsync(new Uri("/health", UriKind.Relative))).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Contains(body.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "catalog" && c.GetProperty("status").GetString() == "Healthy");

        Directory.Delete(sandbox.Drop, recursive: true);
        Assert.True(await StatusBecomesAsync(http, HttpStatusCode.ServiceUnavailable, service), "never unhealthy:\n" + service.Stderr);
        var unhealthy = JsonDocument.Parse(await (await http.GetAsync(new Uri("/health", UriKind.Relative))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", unhealthy.GetProperty("status").GetString());

        Directory.CreateDirectory(sandbox.Drop);
        Assert.True(await StatusBecomesAsync(http, HttpStatusCode.OK, service), "never healthy again:\n" + service.Stderr);

        // It serves the folder again: a file dropped after the comeback is ingested, and the service never stopped.
        await sandbox.DropAsync("back.txt", "back again\n");
        Assert.True(await IngestProcess.EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(sandbox.Processed, "back.txt"))), Deadline),
            "not ingested after the folder came back:\n" + service.Stderr);
        Assert.False(service.HasExited);

        // The counters are updated when the scan that moved the file finishes: poll for them.
        var text = "";
        Assert.True(await IngestProcess.EventuallyAsync(async () =>
        {
            var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
            text = await metrics.Content.ReadAsStringAsync();
            return text.Contains("ingest_files_total{source=\"default\",status=\"new\"} 1", StringComparison.Ordinal);
        }, Deadline), text);
        Assert.Contains("ingest_backlog_files{source=\"default\"}", text, StringComparison.Ordinal);
        Assert.Contains("ingest_last_scan_success_timestamp_seconds{source=\"default\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SecondInstanceOnTheSameFolder_ExitsThreeWhileReadOnlyCommandsWork()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var sandbox = new ServiceSandbox();
        using var notify = new NotifySocket();
        using var first = IngestProcess.Start(sandbox.Root, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path }, "run", "--config", sandbox.Config);
        Assert.Equal("READY=1", await notify.ReceiveAsync(Deadline, first));

        var second = await IngestProcess.RunAsync(sandbox.Root, Deadline, "run", "--config", sandbox.Config);
        Assert.Equal(3, second.ExitCode);
        Assert.Contains(sandbox.Drop, second.Stderr, StringComparison.Ordinal);
        Assert.Contains($"pid {first.Id}", second.Stderr, StringComparison.Ordinal);

        var scan = await IngestProcess.RunAsync(sandbox.Root, Deadline, "scan", "--config", sandbox.Config);
        Assert.Equal(3, scan.ExitCode);

        var stats = await IngestProcess.RunAsync(sandbox.Root, Deadline, "stats", "--json", "--config", sandbox.Config);
        Assert.Equal(0, stats.ExitCode);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task Run_ScheduleThatIsNotCron_ExitsTwoNamingTheKey()
    {
        using var sandbox = new ServiceSandbox(extraIngestJson: ", \"Sources\": [ { \"Name\": \"a\", \"DropFolder\": \"drop\", \"Schedule\": \"every five seconds\" } ]");
        var result = await IngestProcess.RunAsync(sandbox.Root, Deadline, "run", "--config", sandbox.Config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Ingest:Sources:0:Schedule", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SeveralSources_IngestsEachAndRecordsTheSourceOfEachOccurrence()
    {
        using var sandbox = new ServiceSandbox(extraIngestJson: """
            , "Sources": [ { "Name": "left", "DropFolder": "in/left" }, { "Name": "right", "DropFolder": "in/right", "OnSuccess": "Keep", "OnDuplicate": "Keep" } ]
            """);
        Directory.CreateDirectory(Path.Combine(sandbox.Root, "in", "left"));
        Directory.CreateDirectory(Path.Combine(sandbox.Root, "in", "right"));
        await File.WriteAllTextAsync(Path.Combine(sandbox.Root, "in", "left", "a.txt"), "same text\n");
        await File.WriteAllTextAsync(Path.Combine(sandbox.Root, "in", "right", "a.txt"), "same text\n");
        await File.WriteAllTextAsync(Path.Combine(sandbox.Drop, "top.txt"), "the top-level drop folder is not a source\n");

        // Run from elsewhere: relative paths in Sources entries resolve against the configuration file's directory.
        var elsewhere = Path.GetTempPath();
        var scan = await IngestProcess.RunAsync(elsewhere, Deadline, "scan", "--json", "--config", sandbox.Config);
        Assert.True(scan.ExitCode == 0, scan.Stderr);
        var summary = JsonDocument.Parse(scan.Stdout).RootElement;
        Assert.Equal(1, summary.GetProperty("new").GetInt32());
        Assert.Equal(1, summary.GetProperty("duplicates").GetInt32());

        var list = await IngestProcess.RunAsync(elsewhere, Deadline, "list", "--json", "--config", sandbox.Config);
        var occurrences = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single().GetProperty("occurrences").EnumerateArray()
            .Select(o => o.GetProperty("source").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["left", "right"], occurrences);
        Assert.True(File.Exists(Path.Combine(sandbox.Drop, "top.txt")));
        Assert.True(File.Exists(Path.Combine(sandbox.Root, "in", "right", "a.txt")));

        // Kept in place in "right": a second scan does not ingest it again.
        var again = await IngestProcess.RunAsync(sandbox.Root, Deadline, "scan", "--json", "--config", sandbox.Config);
        Assert.Equal(0, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task Health_RecordedFilesThatCannotBeMoved_Answers503UntilTheDestinationIsFixed()
    {
        var port = IngestProcess.FreeLoopbackPort();
        using var sandbox = new ServiceSandbox(healthPort: port);
        // A regular file where processed/sub must be: stands in for a full disk or a permission denied.
        Directory.CreateDirectory(sandbox.Processed);
        await File.WriteAllTextAsync(Path.Combine(sandbox.Processed, "sub"), "in the way");
        Directory.CreateDirectory(Path.Combine(sandbox.Drop, "sub"));
        var dropped = Path.Combine(sandbox.Drop, "sub", "a.txt");
        await File.WriteAllTextAsync(dropped, "recorded, not yet moved\n");
        using var service = IngestProcess.Start(sandbox.Root, null, "run", "--config", sandbox.Config);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        Assert.True(await StatusBecomesAsync(http, HttpStatusCode.ServiceUnavailable, service), "never unhealthy:\n" + service.Stderr);
        var body = JsonDocument.Parse(await (await http.GetAsync(new Uri("/health", UriKind.Relative))).Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(body.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "disposal:default" && c.GetProperty("status").GetString() == "Unhealthy");
        Assert.True(File.Exists(dropped));

        File.Delete(Path.Combine(sandbox.Processed, "sub"));
        Assert.True(await StatusBecomesAsync(http, HttpStatusCode.OK, service), "never healthy again:\n" + service.Stderr);
        Assert.True(await IngestProcess.EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(sandbox.Processed, "sub", "a.txt"))), Deadline));
        Assert.False(File.Exists(dropped));
    }

    private static async Task<bool> StatusBecomesAsync(HttpClient http, HttpStatusCode expected, IngestProcess service) =>
        await IngestProcess.EventuallyAsync(async () =>
        {
            if (service.HasExited)
            {
                return false;
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                return response.StatusCode == expected;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Deadline);
}

/// <summary>A Unix datagram socket standing in for systemd's NOTIFY_SOCKET; removed on dispose.</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifySocket()
    {
        Path = System.IO.Path.Combine("/tmp", $"ingest-notify-{Guid.NewGuid():N}.sock"[..32]);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
    }

    public string Path { get; }

    public async Task<string> ReceiveAsync(TimeSpan timeout, IngestProcess service)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[256];
        try
        {
            var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("nothing received on NOTIFY_SOCKET:\n" + service.Stderr);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        File.Delete(Path);
    }
}
