using MLNetRecExtensions.Data;

namespace MLNetRecExtensions.Tests.Data;

[TestClass]
public sealed class MovieLensSideFeaturesTests
{
    [TestMethod]
    public void AlignsDemographicsAndGenresWithTheInteractionIndices()
    {
        var data = InteractionLoaders.ReadMovieLens100K(TestData.RequireFile("movielens-100k", "u.data"));
        var features = MovieLensSideFeatures.Read(TestData.RequireFile("movielens-100k", "u.user"), TestData.RequireFile("movielens-100k", "u.item"), data);
        // u.user line 1: "1|24|M|technician|85711"; u.item line 1: Toy Story, genres Animation, Children's, Comedy.
        int user1 = Array.IndexOf(data.UserIds!, "1");
        Assert.AreEqual(24f, features.UserAge[user1]);
        Assert.AreEqual("M", features.UserGender[user1]);
        Assert.AreEqual("technician", features.UserOccupation[user1]);
        int toyStory = Array.IndexOf(data.ItemIds!, "1");
        StringAssert.StartsWith(features.ItemTitles[toyStory], "Toy Story");
        var genres = Enumerable.Range(0, 19).Where(g => features.HasGenre(toyStory, g)).Select(g => MovieLensSideFeatures.GenreNames[g]).ToArray();
        CollectionAssert.AreEqual(new[] { "Animation", "Children's", "Comedy" }, genres);
        Assert.AreEqual(21, features.UserOccupation.Distinct().Count());
    }

    [TestMethod]
    public void MalformedUserLineNamesFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "u.user"), "1|24|M|technician|85711\n2|53|F\n");
            File.WriteAllText(Path.Combine(dir, "u.item"), "1|Toy Story (1995)|01-Jan-1995||url|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
            var data = new InteractionData(1, 1, [0], [0], [1f], userIds: ["1"], itemIds: ["1"]);
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => MovieLensSideFeatures.Read(Path.Combine(dir, "u.user"), Path.Combine(dir, "u.item"), data));
            StringAssert.Contains(ex.Message, "line 2");
            StringAssert.Contains(ex.Message, "2|53|F");
        }
        finally { Directory.Delete(dir, true); }
    }
}
