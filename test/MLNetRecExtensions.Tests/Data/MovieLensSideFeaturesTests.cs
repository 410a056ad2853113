using Microsoft.ML;
using Microsoft.ML.Data;
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
    public void DataViewJoinsTheFeaturesOfEachRow()
    {
        var data = InteractionLoaders.ReadMovieLens100K(TestData.RequireFile("movielens-100k", "u.data"));
        var features = MovieLensSideFeatures.Read(TestData.RequireFile("movielens-100k", "u.user"), TestData.RequireFile("movielens-100k", "u.item"), data);
        var ml = new MLContext(1);
        // u.data line 1 is "196\t242\t3\t881250949"; u.user 196 is "196|49|M|writer|55105"; u.item 242 (Kolya) is a Comedy.
        var view = features.ToDataView(ml, data.Subset([0]));
        Assert.AreEqual(21UL, ((KeyDataViewType)view.Schema["Occupation"].Type).Count);
        Assert.AreEqual(49f, view.GetColumn<float>("Age").Single());
        uint occupationKey = view.GetColumn<uint>("Occupation").Single();
        Assert.AreEqual("writer", features.Occupations[(int)occupationKey - 1]);
        var genres = view.GetColumn<float[]>("Genres").Single();
        Assert.AreEqual(1f, genres[MovieLensSideFeatures.GenreNames.ToList().IndexOf("Comedy")]);
        Assert.AreEqual(1f, genres.Sum());
        Assert.AreEqual((uint)data.Users[0] + 1, view.GetColumn<uint>(InteractionColumns.User).Single());
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
