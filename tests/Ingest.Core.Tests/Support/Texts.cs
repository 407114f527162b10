namespace Ingest.Tests.Support;

/// <summary>Fixture texts written for these tests, and helpers to re-encode them.</summary>
internal static class Texts
{
    public const string Chinese =
        "关于推进城市图书馆建设的讲话\n" +
        "同志们：今天我们在这里召开会议，认真总结过去一年的工作。\n" +
        "一、充分肯定取得的成绩\n" +
        "过去一年，全市新建社区阅览室四十二个，市民借阅量增长了三成。\n" +
        "（一）基础设施不断完善\n" +
        "各区都建成了自助借还系统，方便群众随时借书。\n";

    public const string English =
        "Notes on the Riverside Library\n" +
        "The library opened its new reading room in spring.\n" +
        "Volunteers catalogued more than four thousand donated books.\n";
}
