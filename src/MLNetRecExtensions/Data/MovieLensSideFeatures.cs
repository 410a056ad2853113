using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

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
        Genders = userGender.Distinct().Order(StringComparer.Ordinal).ToArray();
        Occupations = userOccupation.Distinct().Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Distinct genders, sorted; <c>Gender</c> key k + 1 of <see cref="ToDataView"/> is <c>Genders[k]</c>.</summary>
    public IReadOnlyList<string> Genders { get; }
    /// <summary>Distinct occupations, sorted; <c>Occupation</c> key k + 1 of <see cref="ToDataView"/> is <c>Occupations[k]</c>.</summary>
    public IReadOnlyList<string> Occupations { get; }

    /// <summary>0-based index of user <paramref name="user"/>'s gender in <see cref="Genders"/>.</summary>
    public int GenderIndex(int user) => Array.BinarySearch((string[])Genders, UserGender[user], StringComparer.Ordinal);
    /// <summary>0-based index of user <paramref name="user"/>'s occupation in <see cref="Occupations"/>.</summary>
    public int OccupationIndex(int user) => Array.BinarySearch((string[])Occupations, UserOccupation[user], StringComparer.Ordinal);

    /// <summary>
    /// The interactions <paramref name="rows"/> joined with the side features: the columns of
    /// <see cref="InteractionData.ToDataView"/> (<c>UserId</c>, <c>ItemId</c>, <c>Label</c>) plus <c>Age</c> (Single),
    /// <c>Gender</c> and <c>Occupation</c> (keys over <see cref="Genders"/>/<see cref="Occupations"/>) and <c>Genres</c>
    /// (Vector&lt;Single, 19&gt; of 0/1 flags), and, when <paramref name="rows"/> carry timestamps, <c>Timestamp</c> (Double,
    /// Unix seconds: the request time of the row, usable as a context feature). <paramref name="rows"/> must use the key
    /// spaces these features were read for.
    /// </summary>
    public IDataView ToDataView(MLContext mlContext, InteractionData rows)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.UserCount != UserAge.Length || rows.ItemCount != ItemTitles.Length)
            throw new ArgumentException($"The rows have {rows.UserCount} users and {rows.ItemCount} items; the side features were read for {UserAge.Length} and {ItemTitles.Length}.", nameof(rows));
        int genres = GenreNames.Count;
        var list = new FeatureRow[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            int u = rows.Users[r], i = rows.Items[r];
            var flags = new float[genres];
            for (int g = 0; g < genres; g++) flags[g] = HasGenre(i, g) ? 1f : 0f;
            // LoadFromEnumerable stores a scalar key property's value v as key v + 1, so rows carry 0-based indices.
            list[r] = new FeatureRow
            {
                UserId = (uint)u, ItemId = (uint)i, Label = rows.Labels[r], Age = UserAge[u],
                Gender = (uint)GenderIndex(u), Occupation = (uint)OccupationIndex(u), Genres = flags, Timestamp = rows.Timestamps?[r] ?? 0,
            };
        }
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[InteractionColumns.User].ColumnType = new KeyDataViewType(typeof(uint), rows.UserCount);
        schema[InteractionColumns.Item].ColumnType = new KeyDataViewType(typeof(uint), rows.ItemCount);
        schema[nameof(FeatureRow.Gender)].ColumnType = new KeyDataViewType(typeof(uint), Genders.Count);
        schema[nameof(FeatureRow.Occupation)].ColumnType = new KeyDataViewType(typeof(uint), Occupations.Count);
        schema[nameof(FeatureRow.Genres)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, genres);
        var view = mlContext.Data.LoadFromEnumerable(list, schema);
        return rows.Timestamps == null ? mlContext.Transforms.DropColumns(InteractionColumns.Timestamp).Fit(view).Transform(view) : view;
    }

    private sealed class FeatureRow
    {
        [ColumnName(InteractionColumns.User)] public uint UserId { get; set; }
        [ColumnName(InteractionColumns.Item)] public uint ItemId { get; set; }
        [ColumnName(InteractionColumns.Label)] public float Label { get; set; }
        public float Age { get; set; }
        public uint Gender { get; set; }
        public uint Occupation { get; set; }
        public float[] Genres { get; set; } = [];
        [ColumnName(InteractionColumns.Timestamp)] public double Timestamp { get; set; }
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
