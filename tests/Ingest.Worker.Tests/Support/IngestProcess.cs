using System.Diagnostics;
using System.Text;

namespace Ingest.Worker.Tests.Support;

/// <summary>The result of one run of the real <c>ingest</c> executable.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>
/// Runs the real <c>ingest</c> executable built next to the tests (the Worker project is referenced), or the one named
/// by <c>INGEST_EXE</c>: the same tests then check an installed build (the Native AOT publish, say).
/// </summary>
internal static class IngestProcess
{
    public static string ExecutableDirectory => AppContext.BaseDirectory;

    /// <summary>The executable under test when <c>INGEST_EXE</c> names one.</summary>
    public static string? Override => Environment.GetEnvironmentVariable("INGEST_EXE") is { Length: > 0 } exe ? Path.GetFullPath(exe) : null;

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null)
    {
        var apphost = Override ?? Path.Combine(ExecutableDirectory, OperatingSystem.IsWindows() ? "ingest.exe" : "ingest");
        ProcessStartInfo psi;
        if (Override is not null || File.Exists(apphost))
        {
            psi = new ProcessStartInfo(apphost);
        }
        else
        {
            psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
            psi.ArgumentList.Add(Path.Combine(ExecutableDirectory, "ingest.dll"));
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.WorkingDirectory = workingDirectory;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.StandardOutputEncoding = Encoding.UTF8;
        psi.StandardErrorEncoding = Encoding.UTF8;
        psi.UseShellExecute = false;
        // Keep the tests' own environment from steering the child.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("Ingest__", StringComparison.OrdinalIgnoreCase) || k is "NOTIFY_SOCKET" or "INVOCATION_ID").ToList())
        {
            psi.Environment.Remove(key);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        return psi;
    }

    public static async Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args, env))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ingest {string.Join(' ', args)} did not finish in time. stderr: {await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
