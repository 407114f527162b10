using Ingest.Configuration;
using Ingest.Worker.Output;
using Ingest.Worker.Service;

namespace Ingest.Worker.Tests.Service;

public sealed class ServiceUnitTests
{
    [Theory]
    [InlineData("0/5 * * * * ?", true)]
    [InlineData("0 0 3 ? * MON-FRI", true)]
    [InlineData("*/5 * * * *", false)]
    [InlineData("every five seconds", false)]
    [InlineData("", false)]
    public void ScheduleValidator_AcceptsOnlyQuartzCronExpressions(string cron, bool valid) =>
        Assert.Equal(valid, ScheduleValidator.IsValid(cron));

    [Fact]
    public void ScheduleValidator_BadSchedules_NameTheirKeys()
    {
        var options = new IngestOptions { Schedule = "nope", Sources = [new IngestSourceOptions { Name = "a", DropFolder = "/x", Schedule = "bad" }] };
        var result = new ScheduleValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Ingest:Schedule ", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Ingest:Sources:0:Schedule ", StringComparison.Ordinal));
    }

    [Fact]
    public void PrometheusText_EscapesLabelValuesAndFormatsNumbersInvariantly()
    {
        var text = new PrometheusText()
            .Family("ingest_bytes_total", "counter", "Bytes.")
            .Sample("ingest_bytes_total", 1.5, ("source", "a\"b\\c\nd"))
            .Sample("ingest_bytes_total", double.NaN)
            .ToString();
        Assert.Equal(
            "# HELP ingest_bytes_total Bytes.\n# TYPE ingest_bytes_total counter\ningest_bytes_total{source=\"a\\\"b\\\\c\\nd\"} 1.5\ningest_bytes_total NaN\n",
            text);
    }

    [Fact]
    public void SystemdNotifier_SocketStartingWithAt_IsAbstract()
    {
        Assert.Null(SystemdNotifier.Endpoint(null));
        Assert.Null(SystemdNotifier.Endpoint("relative/path"));
        Assert.Equal("/run/systemd/notify", SystemdNotifier.Endpoint("/run/systemd/notify")!.ToString());
        // .NET shows an abstract name (leading NUL) with a leading '@' again.
        Assert.Equal("@ingest", SystemdNotifier.Endpoint("@ingest")!.ToString());
    }

    [Theory]
    [InlineData(1, "Stop")]
    [InlineData(5, "Stop")]
    [InlineData(4, "None")]
    [InlineData(2, "NotImplemented")]
    public void WindowsServiceLifetime_ControlCodes_MapToHostActions(int control, string expected)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.False(WindowsServiceLifetime.IsStartedByServiceControlManager());
        }

#pragma warning disable CA1416 // pure mapping, no native call
        Assert.Equal(expected, WindowsServiceLifetime.Map(control).ToString());
        Assert.Equal(0, WindowsServiceLifetime.AcceptedControls(WindowsServiceLifetime.ServiceState.StartPending));
        Assert.Equal(5, WindowsServiceLifetime.AcceptedControls(WindowsServiceLifetime.ServiceState.Running));
#pragma warning restore CA1416
    }

    [Fact]
    public void ScanProgress_Format_ShowsFilesThroughputAndEta()
    {
        Assert.Equal("default: 50/100 files, 10.0 MB, 5.0 MB/s, ETA 00:02",
            ScanProgress.Format("default", 50, 100, 10 * 1048576L, TimeSpan.FromSeconds(2)));
        Assert.Equal("default: 0/0 files, 0.0 MB, 0.0 MB/s, ETA --:--", ScanProgress.Format("default", 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void DropFolderLock_SecondHolder_IsRefusedNamingTheFirst()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ingest-lock-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using (DropFolderLock.Acquire(folder))
            {
                if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
                {
                    var refused = Assert.Throws<FolderInUseException>(() => DropFolderLock.Acquire(folder));
                    Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", refused.Message, StringComparison.Ordinal);
                    Assert.Contains(folder, refused.Message, StringComparison.Ordinal);
                }
            }

            using var again = DropFolderLock.Acquire(folder); // released on dispose
            Assert.True(again.IsCurrent);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
