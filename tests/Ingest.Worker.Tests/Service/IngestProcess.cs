using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ingest.Worker.Tests.Service;

/// <summary>The real <c>ingest</c> executable (ingest.dll copied next to the tests) run as a child process; always killed on dispose.</summary>
internal sealed class IngestProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private IngestProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static IngestProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = Support.IngestProcess.StartInfo(workingDirectory, args, environment);
        info.RedirectStandardInput = false;
        return new IngestProcess(Process.Start(info)!);
    }

    /// <summary>Runs to completion (killed after <paramref name="timeout"/>) and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var p = Start(workingDirectory, null, args);
        var code = await p.WaitForExitAsync(timeout);
        return (code, p.Stdout, p.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"ingest did not exit within {timeout}.\nstderr:\n{Stderr}");
        }

        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.AppendLine(line);
        }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}

/// <summary>A temp folder with a service configuration: MinFileAge 0, one drop folder, its own catalog.</summary>
internal sealed class ServiceSandbox : IDisposable
{
    public ServiceSandbox(string? extraIngestJson = null, int? healthPort = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "ingest-svc-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Drop);
        var health = healthPort is { } port ? $", \"Health\": {{ \"Url\": \"http://127.0.0.1:{port}\" }}" : string.Empty;
        File.WriteAllText(Config, $$"""
            {
              "Logging": { "LogLevel": { "Default": "Information", "Microsoft": "Warning", "Quartz": "Warning" } },
              "Ingest": {
                "DropFolder": "drop", "ProcessedFolder": "processed", "DuplicatesFolder": "duplicates", "FailedFolder": "failed",
                "Database": "data/ingest.db", "MinFileAge": 0, "Schedule": "0/2 * * * * ?"{{extraIngestJson}}
              }{{health}}
            }
            """);
    }

    public string Root { get; }

    public string Drop => Path.Combine(Root, "drop");

    public string Processed => Path.Combine(Root, "processed");

    public string Config => Path.Combine(Root, "ingest.json");

    /// <summary>
    /// Drops a file into the running service's drop folder as a producer must when MinFileAge is 0: written beside it,
    /// then renamed in. Written in place, the service (woken by the watcher) can see it empty, between its creation
    /// and its first write, and rightly reject it as an empty file.
    /// </summary>
    public async Task DropAsync(string name, string text)
    {
        var staged = Path.Combine(Root, "." + name + ".partial");
        await File.WriteAllTextAsync(staged, text);
        File.Move(staged, Path.Combine(Drop, name));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
