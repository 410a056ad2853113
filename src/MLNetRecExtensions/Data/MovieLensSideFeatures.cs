using System.Globalization;
using System.Text;

namespace MLNetRecExtensions.Data;

/// <summary>
/// MovieLens 100K side features aligned with the user and item indices of an <see cref="InteractionData"/>:
/// demographics from <c>u.user</c> (<c>id|age|gender|occupation|zip</c>) and the 19 genre flags of <c>u.item</c>
/// (<c>id|title|release date|video release date|url|19 flags</c>, ISO-8859-1).
/// </summary>
public sealed class MovieLensSideFeatures
{
    /// <summary>The 19 genres of MovieLens 100K in the order of the <c>u.item</c> flags (<c>u.genre</c>).</summary>
    public static readonly IReadOnlyList<string> GenreNames =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    private MovieLensSideFeatures(float[] userAge, string[] userGender, string[] userOccupation, bool[] itemGenres, string[] itemTitles)
    {
        UserAge = userAge;
        UserGender = userGender;
        UserOccupation = userOccupation;
        ItemGenres = itemGenres;
        ItemTitles = itemTitles;
    }

    /// <summary>Age of each user, by user index.</summary>
    public float[] UserAge { get; }
    /// <summary>"M" or "F", by user index.</summary>
    public string[] UserGender { get; }
    /// <summary>Occupation, by user index.</summary>
    public string[] UserOccupation { get; }
    /// <summary>Genre flags, <c>[items, 19]</c> row-major by item index, in the order of <see cref="GenreNames"/>.</summary>
    public bool[] ItemGenres { get; }
    /// <summary>Title, by item index.</summary>
    public string[] ItemTitles { get; }

    /// <summary>True when item <paramref name="item"/> has genre <paramref name="genre"/> (index into <see cref="GenreNames"/>).</summary>
    public bool HasGenre(int item, int genre) => ItemGenres[item * GenreNames.Count + genre];

    /// <summary>
    /// Reads <c>u.user</c> and <c>u.item</c> and aligns them with <paramref name="interactions"/>, whose original
    /// ids (<see cref="InteractionData.UserIds"/>/<see cref="InteractionData.ItemIds"/>) must be set, as the
    /// loaders set them.
    /// </summary>
    /// <exception cref="ArgumentException">The interactions carry no original ids.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A line is malformed, or a user/item of the interactions is not in the file.</exception>
    public static MovieLensSideFeatures Read(string userPath, string itemPath, InteractionData interactions)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        if (interactions.UserIds == null || interactions.ItemIds == null)
            throw new ArgumentException("The interactions carry no original user/item ids; load them with InteractionLoaders.", nameof(interactions));

        var users = ReadLines(userPath, Encoding.UTF8, 5);
        var age = new float[interactions.UserCount];
        var gender = new string[interactions.UserCount];
        var occupation = new string[interactions.UserCount];
        var userRows = users.ToDictionary(r => r.Fields[0], r => r);
        for (int u = 0; u < interactions.UserCount; u++)
        {
            if (!userRows.TryGetValue(interactions.UserIds[u], out var row))
                throw new InvalidDataException($"{userPath}: user '{interactions.UserIds[u]}' of the interactions is not in the file.");
            if (!float.TryParse(row.Fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out age[u]))
                throw new InvalidDataException($"{userPath}, line {row.Line}: column 'age' holds '{row.Fields[1]}', not a number.");
            gender[u] = row.Fields[2];
            occupation[u] = row.Fields[3];
        }

        int genres = GenreNames.Count;
        var items = ReadLines(itemPath, Encoding.Latin1, 5 + genres);
        var itemRows = items.ToDictionary(r => r.Fields[0], r => r);
        var flags = new bool[interactions.ItemCount * genres];
        var titles = new string[interactions.ItemCount];
        for (int i = 0; i < interactions.ItemCount; i++)
        {
            if (!itemRows.TryGetValue(interactions.ItemIds[i], out var row))
                throw new InvalidDataException($"{itemPath}: item '{interactions.ItemIds[i]}' of the interactions is not in the file.");
            titles[i] = row.Fields[1];
            for (int g = 0; g < genres; g++)
            {
                var flag = row.Fields[5 + g];
                if (flag is not ("0" or "1"))
                    throw new InvalidDataException($"{itemPath}, line {row.Line}: genre flag '{GenreNames[g]}' holds '{flag}', expected 0 or 1.");
                flags[i * genres + g] = flag == "1";
            }
        }
        return new MovieLensSideFeatures(age, gender, occupation, flags, titles);
    }

    private static List<(int Line, string[] Fields)> ReadLines(string path, Encoding encoding, int fieldCount)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"MovieLens file not found: '{Path.GetFullPath(path)}'.", path);
        var rows = new List<(int, string[])>();
        int line = 0;
        foreach (var text in File.ReadLines(path, encoding))
        {
            line++;
            if (text.Length == 0) continue;
            var fields = text.Split('|');
            if (fields.Length != fieldCount)
                throw new InvalidDataException($"{path}, line {line}: expected {fieldCount} '|'-separated fields, found {fields.Length}: \"{text}\".");
            rows.Add((line, fields));
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path} holds no rows.");
        return rows;
    }
}
