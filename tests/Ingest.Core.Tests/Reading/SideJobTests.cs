using Ingest.Reading;

namespace Ingest.Tests.Reading;

public sealed class SideJobTests
{
    [Fact]
    public void StartAndJoin_RunEachWorkOnAnotherThread_InTurn()
    {
        using var job = new SideJob();
        var caller = Environment.CurrentManagedThreadId;
        var ran = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var n = i;
            job.Start(() =>
            {
                Assert.NotEqual(caller, Environment.CurrentManagedThreadId);
                ran.Add(n);
            });
            job.Join();
        }

        Assert.Equal(Enumerable.Range(0, 100), ran);
    }

    [Fact]
    public void Join_RethrowsWhatTheWorkThrew_AndTheJobRunsTheNextWork()
    {
        using var job = new SideJob();
        job.Start(() => throw new IOException("disk gone"));
        var ex = Assert.Throws<IOException>(job.Join);
        Assert.Equal("disk gone", ex.Message);

        var ran = false;
        job.Start(() => ran = true);
        job.Join();
        Assert.True(ran);
    }

    [Fact]
    public void Start_BeforeTheLastWorkWasJoined_IsRefused()
    {
        using var job = new SideJob();
        using var release = new ManualResetEventSlim(false);
        job.Start(release.Wait);
        Assert.Throws<InvalidOperationException>(() => job.Start(() => { }));
        release.Set();
        job.Join();
    }
}
