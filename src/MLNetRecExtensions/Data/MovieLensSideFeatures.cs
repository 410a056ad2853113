using System.Text;

namespace MLNetRecExtensions.Data;

/// <summary>A MovieLens 100K user from <c>u.user</c>.</summary>
/// <param name="Id">Original user id (as in <c>u.data</c>).</param>
/// <param name="Age">Age in years.</param>
/// <param name="Gender"><c>M</c> or <c>F</c>.</param>
/// <param name="Occupation">Occupation name.</param>
public sealed record MovieLensUser(string Id, float Age, string Gender, string Occupation);

/// <summary>A MovieLens 100K movie from <c>u.item</c>.</summary>
/// <param name="Id">Original item id (as in <c>u.data</c>).</param>
/// <param name="Title">Title with year.</param>
/// <param name="Genres">The 19 genre flags (1 = the movie has the genre), in the order of <c>u.genre</c>.</param>
public sealed record MovieLensItem(string Id, string Title, float[] Genres);

/// <summary>Readers of the MovieLens 100K side-feature files <c>u.user</c> and <c>u.item</c> ('|'-separated, Latin-1).</summary>
public static class MovieLensSideFeatures
{
    /// <summary>Number of genre flags per movie.</summary>
    public const int GenreCount = 19;

    /// <summary>Reads <c>u.user</c>: <c>id|age|gender|occupation|zip</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line has too few fields or a non-numeric age (the message gives the line number).</exception>
    public static IReadOnlyList<MovieLensUser> ReadUsers(string path) =>
        ReadLines(path, 5, (fields, line) =>
        {
            if (!float.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out float age))
                throw new InvalidDataException($"{path}:{line}: the age '{fields[1]}' is not a number.");
            return new MovieLensUser(fields[0], age, fields[2], fields[3]);
        });

    /// <summary>Reads <c>u.item</c>: <c>id|title|release|video release|url|19 genre flags</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line has too few fields or a genre flag other than 0/1.</exception>
    public static IReadOnlyList<MovieLensItem> ReadItems(string path) =>
        ReadLines(path, 5 + GenreCount, (fields, line) =>
        {
            var genres = new float[GenreCount];
            for (int g = 0; g < GenreCount; g++)
                genres[g] = fields[5 + g] switch
                {
                    "0" => 0f,
                    "1" => 1f,
                    var other => throw new InvalidDataException($"{path}:{line}: genre flag {g} is '{other}'; expected 0 or 1."),
                };
            return new MovieLensItem(fields[0], fields[1], genres);
        });

    private static List<T> ReadLines<T>(string path, int minFields, Func<string[], int, T> parse)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"MovieLens side-feature file not found: {path}.", path);
        var result = new List<T>();
        int line = 0;
        foreach (var text in File.ReadLines(path, Encoding.Latin1))
        {
            line++;
            if (text.Length == 0) continue;
            var fields = text.Split('|');
            if (fields.Length < minFields)
                throw new InvalidDataException($"{path}:{line}: expected at least {minFields} '|'-separated fields, found {fields.Length}.");
            result.Add(parse(fields, line));
        }
        return result;
    }
}
