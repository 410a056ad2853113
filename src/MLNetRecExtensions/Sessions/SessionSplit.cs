using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Sessions;

/// <summary>
/// A session-based train/test pair over one catalog: the training sessions, the test sessions with their items
/// mapped onto the training catalog by original id (unknown test items dropped and counted, as the official protocol
/// does), and the original item ids.
/// </summary>
/// <param name="Train">Training sessions.</param>
/// <param name="Test">Test sessions over the training catalog.</param>
/// <param name="ItemIds">Original item id of each catalog index.</param>
public sealed record SessionSplit(SessionData Train, SessionData Test, IReadOnlyList<string> ItemIds)
{
    /// <summary>Reads two GRU4Rec session logs (tab-separated, header <c>SessionId ItemId Time</c>).</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, empty or holds no session of two events.</exception>
    public static SessionSplit ReadFiles(string trainPath, string testPath)
    {
        var train = InteractionLoaders.ReadSessions(trainPath);
        var test = InteractionLoaders.ReadSessions(testPath);
        var trainSessions = SessionData.FromInteractions(train, source: Path.GetFileName(trainPath));
        var map = SessionData.MapItems(train.ItemIds, test);
        var testSessions = SessionData.FromInteractions(test, map, train.ItemCount, Path.GetFileName(testPath));
        return new SessionSplit(trainSessions, testSessions, train.ItemIds!);
    }
}
