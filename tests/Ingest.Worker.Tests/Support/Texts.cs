namespace Ingest.Worker.Tests.Support;

/// <summary>Fixture texts written for these tests.</summary>
internal static class Texts
{
    public const string Chinese =
        "关于加强社区图书馆建设的讲话\n" +
        "同志们：今天我们召开会议，总结社区阅读工作。\n" +
        "一、过去一年的主要成绩\n" +
        "全市新建阅览室四十二个，借阅量增长三成。\n";

    public const string English =
        "Minutes of the Harbour Reading Club\n" +
        "Members agreed to meet on the first Monday of every month.\n";
}
